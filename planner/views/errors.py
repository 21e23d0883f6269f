"""The error page for an unexpected failure: drawn without the database (which may be the
thing that failed) and with the request's id, which leads an operator to the log entry."""

from django.http import HttpResponseServerError
from django.template.loader import render_to_string


def server_error(request):
    """500 page with a reference a delegate can quote; the request id also on the log line."""
    reference = getattr(request, "request_id", "")
    return HttpResponseServerError(render_to_string("500.html", {"reference": reference}))
