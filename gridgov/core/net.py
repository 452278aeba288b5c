"""The real client address behind the documented reverse proxy (docs/operations.md).

`settings.TRUSTED_PROXIES` lists the addresses or networks (CIDR) of our own proxies. The
client is the right-most address of `X-Forwarded-For` that is not one of them, walking from
`REMOTE_ADDR`; a forwarded header from anyone else is ignored (it is whatever the client wrote).
Rate limits and audit use this, so one proxy does not put every visitor in one bucket."""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=4)
def _networks(proxies):
    nets = []
    for p in proxies:
        try:
            nets.append(ipaddress.ip_network(p.strip(), strict=False))
        except ValueError:
            continue
    return tuple(nets)


def _trusted(address, nets):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in nets)


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXIES", ())
    if isinstance(proxies, str):
        proxies = [p for p in proxies.split(",") if p.strip()]
    nets = _networks(tuple(proxies))
    if not nets or not _trusted(remote, nets):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, nets):
            return hop
    return hops[0] if hops else remote
