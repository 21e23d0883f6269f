"""The address a request really came from, for lock-outs and throttles.

Behind a reverse proxy every request reaches Django from the proxy (``REMOTE_ADDR`` is
127.0.0.1). Each proxy appends the address it received the request from to
``X-Forwarded-For``, so with ``RELAY_PROXY_COUNT`` proxies in front the client is the
``RELAY_PROXY_COUNT``-th entry from the right. Entries further left were written by whoever
sent the request and are never trusted: a client that forges the header only adds to its left.
"""

from ipaddress import IPv4Address, ip_address

from django.conf import settings
from django.http import HttpRequest

#: What a request with no address at all (one built by hand, as ``force_login`` does) is
#: counted under. It must be a valid address: django-axes stores it in a GenericIPAddressField.
UNKNOWN_ADDRESS = str(IPv4Address(0))


def client_address(request: HttpRequest) -> str:
    """The client's IP address: from ``X-Forwarded-For`` as far as our own proxies wrote it,
    else ``REMOTE_ADDR`` (with no proxy, or a request that did not pass through it)."""
    remote = request.META.get("REMOTE_ADDR") or UNKNOWN_ADDRESS
    count = getattr(settings, "RELAY_PROXY_COUNT", 0)
    if count < 1:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return remote
