"""Files handed to the browser: private (never cached by a proxy), named, inline or saved."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def file_response(content: bytes, filename: str, *, content_type: str, inline: bool = False) -> HttpResponse:
    """``content`` as a file called ``filename``, shown in the browser when ``inline``."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=not inline, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser, to read or print."""
    return file_response(pdf, filename, content_type="application/pdf", inline=True)
