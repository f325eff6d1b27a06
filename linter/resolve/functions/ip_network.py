"""IP network functions (cidrhost, cidrnetmask, cidrsubnet, cidrsubnets).

Terraform parses a prefix as Go's net.ParseCIDR does: host bits may be set and are
dropped ("10.0.0.1/8" is 10.0.0.0/8), leading zeros in IPv4 octets are rejected.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from linter.resolve.functions.base import FunctionError, NotEvaluated, known
from linter.resolve.functions.conversions import as_integer, as_string

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


_DOTTED_PREFIX = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})/(\d{1,3})")


def _network(prefix: Any) -> Network:
    text = as_string(prefix, "prefix")
    if "/" not in text:
        raise FunctionError("invalid CIDR expression: the prefix length is missing")
    dotted = _DOTTED_PREFIX.fullmatch(text)
    if dotted:  # Terraform reads "010.0.0.0/16" as 10.0.0.0/16 (decimal, leading zeros)
        octets = [str(int(part)) for part in dotted.groups()]
        text = ".".join(octets[:4]) + "/" + octets[4]
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise FunctionError("invalid CIDR expression") from None
    if isinstance(network, ipaddress.IPv6Network) and network.network_address.ipv4_mapped:
        # Go mixes the 4- and 16-byte forms of these; its results are not reproduced.
        raise NotEvaluated("IPv4-mapped IPv6 prefixes are not evaluated")
    return network


def _address(network: Network, number: int) -> str:
    return str(ipaddress.ip_address(number) if network.version == 4
               else ipaddress.IPv6Address(number))


def _subnet(network: Network, start: int, length: int) -> str:
    return f"{_address(network, start)}/{length}"


def _cidrhost(prefix: Any, hostnum: Any) -> str:
    network, number = _network(prefix), as_integer(hostnum, "hostnum")
    size = network.num_addresses
    if number < 0:
        if -number > size:
            raise FunctionError(
                f"prefix of {network.prefixlen} does not accommodate a host numbered {number}")
        number += size
    elif number >= size:
        raise FunctionError(
            f"prefix of {network.prefixlen} does not accommodate a host numbered {number}")
    return _address(network, int(network.network_address) + number)


def _cidrnetmask(prefix: Any) -> str:
    network = _network(prefix)
    if network.version != 4:
        raise FunctionError("IPv6 addresses cannot have a netmask")
    return str(network.netmask)


def _cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    network = _network(prefix)
    bits, number = as_integer(newbits, "newbits"), as_integer(netnum, "netnum")
    length = network.prefixlen + bits
    if bits < 0 or length > network.max_prefixlen:
        raise FunctionError(f"insufficient address space to extend prefix of "
                            f"{network.prefixlen} by {bits}")
    if not 0 <= number < 1 << bits:
        raise FunctionError(
            f"prefix extension of {bits} does not accommodate a subnet numbered {number}")
    start = int(network.network_address) + (number << (network.max_prefixlen - length))
    return _subnet(network, start, length)


def _cidrsubnets(prefix: Any, *newbits: Any) -> list[str]:
    network = _network(prefix)
    if not newbits:
        return []
    width = network.max_prefixlen
    top = 1 << width
    base = int(network.network_address)
    end = base + network.num_addresses

    def aligned(address: int, length: int) -> int:
        return address & ~((1 << (width - length)) - 1) & (top - 1)

    lengths = [as_integer(bits, "newbits") for bits in newbits]
    # Terraform starts from the subnet just before the prefix and steps forward, each
    # subnet aligned to its own size after the previous one.
    current_length = network.prefixlen + lengths[0]
    current = aligned((base - 1) % top, min(current_length, width))
    subnets = []
    for bits in lengths:
        if bits < 1:
            raise FunctionError("must extend prefix by at least one bit")
        if bits > 32:
            raise FunctionError("may not extend prefix by more than 32 bits")
        length = network.prefixlen + bits
        if length > width:
            raise FunctionError(f"would extend prefix to {length} bits, which is too long for "
                                f"an IPv{network.version} address")
        current_last = current + (1 << (width - current_length)) - 1
        following = (aligned(current_last, length) + (1 << (width - length))) % top
        if following == 0 or not base <= following < end:
            raise FunctionError(f"not enough remaining address space for a subnet with a "
                                f"prefix of {length} bits")
        current, current_length = following, length
        subnets.append(_subnet(network, current, length))
    return subnets


FUNCTIONS = {
    "cidrhost": known("cidrhost", _cidrhost, 2),
    "cidrnetmask": known("cidrnetmask", _cidrnetmask, 1),
    "cidrsubnet": known("cidrsubnet", _cidrsubnet, 3),
    "cidrsubnets": known("cidrsubnets", _cidrsubnets, 1, None),
}
