"""The client's IP address as the collector may store it: truncated to its
network, IPv4 to /24 and IPv6 to /48 (an IPv4-mapped IPv6 address counts as
IPv4), so that it locates a network, never a household."""

from __future__ import annotations

import ipaddress

IPV4_PREFIX = 24
IPV6_PREFIX = 48


def truncate(address: str) -> str | None:
    """`203.0.113.77` -> `203.0.113.0`, `2001:db8:abcd:12::1` -> `2001:db8:abcd::`;
    None for anything that is not an IP address (a Unix socket, a name)."""
    try:
        ip = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if isinstance(ip, ipaddress.IPv4Address) else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)
