"""Where a request came from, for the audit trail."""
import ipaddress
import re

from django.conf import settings

# "203.0.113.5:4711" and "[2001:db8::1]:443": some proxies append the client's port.
_WITH_PORT = re.compile(r"\[(?P<v6>[0-9A-Fa-f:.]+)\](?::\d{1,5})?|(?P<v4>[0-9.]+):\d{1,5}")


def _address(text):
    """``text`` as an IP address, or None when it is not one."""
    text = (text or "").strip()
    match = _WITH_PORT.fullmatch(text)
    if match:
        text = match["v6"] or match["v4"]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped:  # "::ffff:127.0.0.1" from a server listening on IPv6
            return address.ipv4_mapped
        if address.scope_id:  # "fe80::1%eth0": the zone means nothing to the trail
            return ipaddress.IPv6Address(text.split("%", 1)[0])
    return address


def _trusted(address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES
               if network.version == address.version)


def client_ip(request):
    """The client address, or None when there is none.

    The peer (REMOTE_ADDR) is the client unless it is one of the trusted proxies
    (``settings.TRUSTED_PROXIES``) and ``settings.USE_X_FORWARDED_FOR`` is on. Then
    X-Forwarded-For is read from the right, hop by hop, while the hops are trusted
    proxies: the first one that is not is the client. Whatever stands left of it was
    written by the client and can be forged. A malformed hop ends the walk: nothing
    beyond it can be believed, so the last good address stands.
    """
    peer = _address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    client = peer
    if getattr(settings, "USE_X_FORWARDED_FOR", False) and _trusted(peer):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        for hop in reversed(forwarded.split(",") if forwarded.strip() else []):
            address = _address(hop)
            if address is None:
                break
            client = address
            if not _trusted(address):
                break
    return str(client)
