"""Files handed to the browser: named, inline or saved, and private unless public by nature."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def file_response(
    content: bytes, filename: str, *, content_type: str, inline: bool = False, private: bool = True
) -> HttpResponse:
    """``content`` as a file called ``filename``, shown in the browser when ``inline``; never
    stored by a browser or proxy when ``private`` (anything naming a person)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=not inline, filename=filename)
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


def pdf_response(pdf: bytes, filename: str, *, private: bool = True) -> HttpResponse:
    """A PDF shown in the browser, to read or print."""
    return file_response(pdf, filename, content_type="application/pdf", inline=True, private=private)
