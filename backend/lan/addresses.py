"""The PC's addresses on the village LAN, which the tablets and phones type or scan."""

from __future__ import annotations

import ipaddress
import socket

import psutil

WILDCARDS = ("0.0.0.0", "::", "")  # noqa: S104 (the operator asked to listen on every interface)


def lan_addresses(host: str) -> tuple[str, ...]:
    """Where a device on the LAN reaches a server listening on ``host``: that address alone
    when it is a specific one, else every IPv4 address of an interface that is up, except
    loopback and link-local (169.254.x.x: no DHCP answered there). psutil reads them the same
    way on Linux and Windows, the two systems a village PC runs."""
    if host not in WILDCARDS:
        return (host,)
    up = {name for name, stats in psutil.net_if_stats().items() if stats.isup}
    found: list[str] = []
    for name, entries in psutil.net_if_addrs().items():
        if name not in up:
            continue
        for entry in entries:
            if entry.family != socket.AF_INET:
                continue
            address = ipaddress.ip_address(entry.address)
            if address.is_loopback or address.is_link_local or str(address) in found:
                continue
            found.append(str(address))
    return tuple(sorted(found, key=ipaddress.ip_address))


def certificate_names(host: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The IP addresses and host names the server certificate must name: the LAN addresses,
    loopback (the PC's own browser), and the PC's name (``name`` and ``name.local``, which
    some routers and every iPad resolve)."""
    addresses = tuple(dict.fromkeys([*lan_addresses(host), "127.0.0.1"]))
    name = socket.gethostname().split(".")[0] or "localhost"
    hostnames = tuple(dict.fromkeys(["localhost", name, f"{name}.local"]))
    return addresses, hostnames
