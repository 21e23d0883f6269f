"""Spreadsheet safety: text a spreadsheet opens as text, never runs as a formula."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text a spreadsheet will not run as a formula (a delegate can name themself ‘=HYPERLINK(…)’)."""
    text = str(value) if value is not None else ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unprotect(cell: str) -> str:
    """A cell as it was before an export guarded it against spreadsheet formulas (‘'=SUM…’)."""
    return cell[1:] if cell.startswith("'") and cell[1:2] and cell[1] in FORMULA_STARTS else cell
