"""Does an inbound rule let the internet reach a plaintext service port?"""

from __future__ import annotations

from typing import Any

from linter.checks import CheckResult
from linter.models.address_ranges import is_whole_internet
from linter.tables import load_table
from linter.values import Branches, ResourceRef, Unknown

# IANA protocol numbers the security-group APIs accept in place of names.
_PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
_ALL = ("-1", "all")


def _protocol(value: Any) -> str:
    text = str(value).lower()
    return _PROTOCOL_NAMES.get(text, text)


def _sources(value: Any) -> tuple[list[str], list[str]]:
    """(internet sources, descriptions of sources that cannot be known)."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    internet, unknown = [], []
    for item in items:
        if isinstance(item, Branches):
            options, _ = _sources(list(item.options))
            internet += [f"{option} (one branch of a conditional)" for option in options]
            if len(options) < len(item.options):
                unknown.append("a conditional")
        elif isinstance(item, str):
            if is_whole_internet(item):  # any /0, however it is written
                internet.append(item.strip())
        elif isinstance(item, (Unknown, ResourceRef)):
            # A reference to a VPC or subnet CIDR is a private range in practice; only
            # values nobody can know are left undecided.
            if isinstance(item, Unknown):
                unknown.append(str(item))
        else:
            unknown.append(repr(item))
    return internet, unknown


def _port(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _reached(exposure: dict[str, Any]) -> list[str] | None:
    """Plaintext services the rule's protocol and port range reach; None if unknown."""
    protocol = exposure.get("protocol")
    if isinstance(protocol, (Unknown, Branches)):
        return None
    name = _protocol(protocol)
    everything = name in _ALL
    low, high = _port(exposure.get("from_port")), _port(exposure.get("to_port"))
    if not everything and (low is None or high is None):
        return None
    if not everything and low == -1 and high == -1:  # CloudFormation's "all ports"
        low, high = 0, 65535
    tolerated = set(exposure.get("redirect_only_ports") or ())
    reached = []
    for entry in load_table("plaintext_ports")["ports"]:
        port = entry["port"]
        if port in tolerated:
            continue
        if not everything and (name not in entry["protocols"] or not low <= port <= high):
            continue
        shown = "/".join(entry["protocols"]) if everything else name
        reached.append(f"port {port} ({entry['name']}, {shown})")
    return reached


def no_internet_plaintext_port(value: Any, **_: Any) -> CheckResult:
    if not isinstance(value, dict):
        return CheckResult(None, "the rule is not understood")
    internet, unknown = _sources(value.get("sources"))
    if not internet and not unknown:
        return CheckResult(True, "no internet source (0.0.0.0/0 or ::/0)")
    reached = _reached(value)
    if reached is None:
        return CheckResult(None, "the protocol or port range cannot be known statically")
    if not reached:
        return CheckResult(True, "no plaintext service port in the range")
    listed = ", ".join(reached[:3]) + (f" and {len(reached) - 3} more" if len(reached) > 3
                                       else "")
    if internet:
        return CheckResult(False, f"{listed} open to {', '.join(dict.fromkeys(internet))}")
    return CheckResult(None, f"{listed} open to a source that cannot be known statically "
                             f"({unknown[0]})")


CHECKS = {"no_internet_plaintext_port": no_internet_plaintext_port}
