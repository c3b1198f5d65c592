"""SSRF protection: a webhook target must be an https URL whose host resolves only to public
addresses. Checked when a subscription is saved and again at every delivery, where the request then
connects to the address that was checked (no second resolution an attacker's DNS could answer
differently), with the URL's host name for TLS (SNI and certificate) and the Host header.

`RESEAU_WEBHOOK_ALLOW_LOCAL_TARGETS=true` (tests, development) also admits http:// and loopback or
private addresses.
"""

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
# Not covered by `is_global` on every Python version, or worth naming: cloud metadata endpoints.
_BLOCKED = [ipaddress.ip_network(n) for n in ("169.254.0.0/16", "100.64.0.0/10", "fd00:ec2::/32", "64:ff9b::/96")]


class UnsafeTarget(ValueError):
    """The URL may not be used as a webhook target; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query string
    address: str  # the checked IP address to connect to


def parse(url: str, *, allow_local: bool) -> tuple[str, str, int, str]:
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeTarget(f"it is longer than {MAX_URL_LENGTH} characters")
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_local and parts.scheme == "http"):
        raise UnsafeTarget("it must be an https:// URL")
    if parts.username is not None or parts.password is not None:
        raise UnsafeTarget("it must not contain credentials")
    if parts.fragment:
        raise UnsafeTarget("it must not contain a fragment")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeTarget("it has an invalid port") from None
    if not parts.hostname:
        raise UnsafeTarget("it has no host")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and not any(ip in net for net in _BLOCKED)


async def resolve(url: str, *, allow_local: bool) -> Target:
    """The URL's parts and a checked address, or UnsafeTarget. Every address the name resolves to
    must be public: a name that also points inside is refused."""
    scheme, host, port, path = parse(url, allow_local=allow_local)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeTarget(f"its host {host!r} does not resolve") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise UnsafeTarget(f"its host {host!r} does not resolve")
    if not allow_local:
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            raise UnsafeTarget(f"its host {host!r} resolves to a non-public address ({refused[0]})")
    return Target(scheme, host, port, path, addresses[0])
