"""Who is asking: the client's address, behind as many reverse proxies as the deployment trusts."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The address of the client, or None if it cannot be told.

    With TRUSTED_PROXY_COUNT = n, the n-th address from the right of X-Forwarded-For was written by our
    outermost proxy: what is left of it was written by the client and cannot be trusted. With 0, the
    header is ignored. Login limits (allauth) and the API's throttles both ask here.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.headers.get("x-forwarded-for")
    if count > 0 and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        candidate = addresses[-min(count, len(addresses))]
    else:
        candidate = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
