"""A pack run's finished files as one print-ready PDF or as a zip of PDFs."""

import io
import zipfile
from pathlib import Path

from pypdf import PdfWriter


def combined_pdf(paths: list[Path], *, title: str) -> bytes:
    """The PDFs at ``paths`` one after another, as one document titled ``title``."""
    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
    writer.add_metadata({"/Title": title, "/Author": "Relay"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_of(paths: list[Path]) -> bytes:
    """The files at ``paths`` in one zip, each under its own name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, arcname=path.name)
    return buffer.getvalue()
