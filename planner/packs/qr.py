"""QR codes as data: the dark modules of a code, which the PDFs draw with reportlab
(``planner.packs.draw_qr``) and the web ticket writes as an inline SVG (``qr_svg``)."""

import itertools

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from reportlab.graphics.barcode import qrencoder

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
INK = "#0b0c0c"


def dark_runs(value: str) -> tuple[int, list[tuple[int, int, int]]]:
    """The QR code of ``value`` (error correction M): its width in modules, and each
    horizontal run of dark modules as (row, first column, length), top row first."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(value)
    code.make()
    runs = []
    for row_index, row in enumerate(code.modules):
        column = 0
        for dark, run in itertools.groupby(bool(cell) for cell in row):
            length = len(list(run))
            if dark:
                runs.append((row_index, column, length))
            column += length
    return code.getModuleCount(), runs


def qr_svg(value: str, *, label: str) -> SafeString:
    """The QR code of ``value`` as a self-contained SVG element, named ``label`` for screen
    readers: one path of the dark runs on a white square with its quiet zone, scaled by CSS."""
    count, runs = dark_runs(value)
    side = count + 2 * QUIET_ZONE
    path = "".join(f"M{column + QUIET_ZONE} {row + QUIET_ZONE}h{length}v1h-{length}z" for row, column, length in runs)
    name = escape(label)
    return mark_safe(  # noqa: S308  # nosec B308 B703 - built here from numbers and the escaped label
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" role="img" aria-label="{name}" '
        f'shape-rendering="crispEdges"><title>{name}</title>'
        f'<rect width="{side}" height="{side}" fill="#fff"/><path fill="{INK}" d="{path}"/></svg>'
    )
