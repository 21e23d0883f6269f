"""URL converters. Page and row ids are bounded so that a huge number is a 404, never a
database overflow (SQLite and PostgreSQL both fail on integers beyond their column type)."""

MAX_ID_DIGITS = 9  # below 2**31 - 1, the smallest integer column we use


class IdConverter:
    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


def parse_id(value) -> int | None:
    """``value`` as an id if it is a plausible one, else None (for ids in query strings)."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= MAX_ID_DIGITS else None
