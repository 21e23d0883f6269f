"""UK postcodes as people type them: ‘ls14ap’, ‘LS1 4AP’, ‘CF10’. Pure: text in, a Postcode
(or None) out. A full postcode is only ever located by its outward code (‘LS1 4AP’ → ‘LS1’),
about a kilometre, which is all that finding a meetup needs (see venues.gazetteer)."""

import re
from dataclasses import dataclass

OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
INWARD = re.compile(r"[0-9][A-Z]{2}")


@dataclass(frozen=True)
class Postcode:
    """A postcode split into its outward code and, when given, its inward code."""

    outward: str
    inward: str = ""

    def __str__(self) -> str:
        return f"{self.outward} {self.inward}".strip()


def looks_like_postcode(text: str) -> bool:
    """True when ``text`` is meant as a postcode rather than a town: a short run of letters
    and digits that holds a digit. No UK town's name holds one."""
    compact = "".join((text or "").split())
    return 2 <= len(compact) <= 8 and compact.isascii() and compact.isalnum() and any(c.isdigit() for c in compact)


def parse_postcode(text: str) -> Postcode | None:
    """‘ls14ap’, ‘LS1 4AP’, ‘ ls1  4ap ’ → Postcode('LS1', '4AP'); ‘cf10’ → Postcode('CF10');
    None when ``text`` is not shaped like a UK postcode or its first half."""
    compact = "".join((text or "").split()).upper()
    if len(compact) >= 5 and INWARD.fullmatch(compact[-3:]) and OUTWARD.fullmatch(compact[:-3]):
        return Postcode(outward=compact[:-3], inward=compact[-3:])
    if OUTWARD.fullmatch(compact):
        return Postcode(outward=compact)
    return None


def normalise_postcode(text: str) -> str:
    """‘ ls14ap ’ → ‘LS1 4AP’; text that is not a postcode comes back trimmed, unchanged."""
    postcode = parse_postcode(text)
    return str(postcode) if postcode else (text or "").strip()
