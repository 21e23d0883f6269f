"""The performance issue's before/after table, printed at the end of every bench run.

"Before" is ``bench/baseline.json``: the same bench run on the code before the performance
work (commit 4a8ad9d's parent chain, see its ``measured`` note), on the same databases.
"Now" is this run for its scale, and the last run at the other scale (each run keeps its
figures in ``var/bench-results-scale<N>.json``, merged, so ``--only`` updates just its rows)."""

import json
from pathlib import Path

from bench.timing import RESULTS

BASELINE = Path(__file__).resolve().parent / "baseline.json"
SCALES = (1, 100)

# (what the issue calls it, the bench's row, the goal)
ROWS = [
    ("conference timetable", "conference (timetable)", "≤ 12.3 ms, ≤ 10 q"),
    ("session page", "session", "≤ 11.3 ms, ≤ 10 q"),
    ("speakers", "conference speakers", "≤ 16.6 ms, ≤ 10 q"),
    ("schedule.xml", "schedule.xml", "≤ 15.1 ms, ≤ 10 q"),
    ("schedule.json", "schedule.json", "≤ 42.9 ms, ≤ 10 q"),
    ("conference .ics", "feed: conference (90)", "≤ 18.2 ms, ≤ 10 q"),
    ("programme view, 900", "programme view (900)", "≤ 100 ms"),
    ("import apply, 900", "import task apply (900)", "≤ 10,000 ms"),
    ("meetup dashboard", "meetup dashboard", "≤ 50 ms"),
    ("  2,000 booked", "meetup dashboard, 2,000 booked", "≤ 50 ms"),
    ("admin home", "admin home with panels", "≤ 60 ms"),
]


def results_file(var: Path, scale: int) -> Path:
    return var / f"bench-results-scale{scale}.json"


def save(var: Path, scale: int) -> None:
    """Merge this run's figures into the results file of its scale."""
    path = results_file(var, scale)
    kept = json.loads(path.read_text()) if path.exists() else {}
    kept.update(RESULTS)
    path.write_text(json.dumps(kept, indent=1, sort_keys=True))


def cell(figures: dict | None) -> str:
    if not figures:
        return "–"
    queries = f" / {figures['queries']}" if figures.get("queries") is not None else ""
    return f"{figures['ms']:,.1f}{queries}"


def print_table(var: Path) -> None:
    """Goal, before and now at scale 1 and 100 for every page and job the issue names."""
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    now = {
        scale: json.loads(path.read_text()) if (path := results_file(var, scale)).exists() else {} for scale in SCALES
    }
    print()
    print("Issue 21, before → now (ms / queries; pretalx figures from the issue)")
    header = f"{'page or job':<22}{'goal':<20}"
    header += "".join(f"{f'before ×{s}':>19}{f'now ×{s}':>16}" for s in SCALES)
    print(header)
    for label, name, goal in ROWS:
        line = f"{label:<22}{goal:<20}"
        for scale in SCALES:
            before = baseline.get(f"scale {scale}", {}).get(name)
            line += f"{cell(before):>19}{cell(now[scale].get(name)):>16}"
        print(line)
    if baseline.get("measured"):
        print(f"before: {baseline['measured']}")
