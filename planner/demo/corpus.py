"""The demo's hand-written discussion: for each of the 90 sessions its own threads, replies,
findings and (for sessions a past meetup continued) the outcome posted back, one JSON file
per half stream in fixtures/demo_discussion/. Pure: no Django, so writers can check a file
with ``python -m planner.demo.corpus``.

A session's material looks like::

    "digital-and-data:9": {
      "title": "Information sharing across a combined authority: agreements that work",
      "threads": [
        {"text": "...", "question": true, "theme": "Data and standards", "finding": false,
         "replies": [{"text": "...", "by_author": false, "accepted": true, "finding": false}]},
        {"text": "Comparing agreements at the Manchester meetup, ...",
         "after_meetup": "north-west-manchester", "replies": [...]}
      ],
      "meetup_outcomes": {"north-west-manchester": "..."}
    }

A thread with ``after_meetup`` talks about that meetup as past, so it is dated after it.
"""

import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "demo_discussion"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'‘“(A-Z0-9£])")
MAX_LENGTH = 1500


@dataclass(frozen=True)
class Written:
    """One piece of the corpus where it sits: its session, thread and place in it."""

    session: str
    thread: int
    reply: int | None  # None: the thread's opening
    text: str


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, normalised for comparison (case, spacing, end stop)."""
    found = []
    for sentence in SENTENCE_END.split(text.strip()):
        normal = " ".join(sentence.lower().split()).rstrip(".!?")
        if normal:
            found.append(normal)
    return found


def load(directory: Path = CORPUS_DIR) -> dict[str, dict]:
    """Every session's material, keyed ``"<stream slug>:<index>"``, from all files in ``directory``."""
    material: dict[str, dict] = {}
    for path in sorted(directory.glob("*.json")):
        for key, session in json.loads(path.read_text(encoding="utf-8")).items():
            if key in material:
                raise ValueError(f"{path.name}: {key} is written twice")
            material[key] = session
    return material


def pieces(material: dict[str, dict]) -> list[Written]:
    """Every contribution's text with where it belongs, outcomes included (as thread -1)."""
    found = []
    for key, session in material.items():
        for t, thread in enumerate(session["threads"]):
            found.append(Written(key, t, None, thread["text"]))
            found.extend(Written(key, t, r, reply["text"]) for r, reply in enumerate(thread["replies"]))
        found.extend(Written(key, -1, None, text) for text in session.get("meetup_outcomes", {}).values())
    return found


def problems(material: dict[str, dict]) -> list[str]:
    """What is wrong with the material: shape, marks that cannot be, and any sentence used twice."""
    wrong = []
    for key, session in material.items():
        if not session.get("threads"):
            wrong.append(f"{key}: no threads")
        for t, thread in enumerate(session.get("threads", [])):
            where = f"{key} thread {t}"
            if thread.get("question") and not thread["text"].rstrip().endswith("?"):
                wrong.append(f"{where}: a question thread whose text does not end in a question mark")
            accepted = [r for r in thread.get("replies", []) if r.get("accepted")]
            if accepted and not thread.get("question"):
                wrong.append(f"{where}: an accepted answer on a thread that is not a question")
            if len(accepted) > 1:
                wrong.append(f"{where}: more than one accepted answer")
            if thread.get("finding") and thread.get("question"):
                wrong.append(f"{where}: a question marked as a finding")
            if thread.get("replies") and thread["replies"][0].get("by_author"):
                wrong.append(f"{where}: the first reply cannot be by the thread's own author")
    seen: dict[str, Written] = {}
    for piece in pieces(material):
        if len(piece.text) > MAX_LENGTH:
            wrong.append(f"{piece.session} thread {piece.thread}: longer than {MAX_LENGTH} characters")
        for sentence in sentences(piece.text):
            first = seen.setdefault(sentence, piece)
            if first is not piece and (first.session, first.thread, first.reply) != (
                piece.session,
                piece.thread,
                piece.reply,
            ):
                wrong.append(f"used twice ({first.session} and {piece.session}): {sentence!r}")
    return wrong


def counts(material: dict[str, dict]) -> dict[str, int]:
    """Contributions per session (threads and replies; outcomes not counted)."""
    per = defaultdict(int)
    for key, session in material.items():
        for thread in session["threads"]:
            per[key] += 1 + len(thread["replies"])
    return dict(per)


if __name__ == "__main__":
    corpus = load(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS_DIR)
    for problem in problems(corpus):
        print(problem)
    per_session = counts(corpus)
    for key in sorted(per_session, key=lambda k: (k.split(":")[0], int(k.split(":")[1]))):
        print(f"{key}: {per_session[key]}")
    print(f"{len(per_session)} sessions, {sum(per_session.values())} contributions")
