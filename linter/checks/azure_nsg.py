"""Does an Azure network security group rule let the internet reach a listed port?

Azure spells rules differently from AWS security groups: ports are texts ("80",
"1000-2000", "*"), sources are CIDRs or service tags ("Internet", "*"), and a rule also
has a direction and an access. The ports come from tables: plaintext_ports.yaml
(plaintext services) or azure_net_ports.yaml (database engines).
"""

from __future__ import annotations

from typing import Any

from linter.checks import CheckResult
from linter.models.address_ranges import is_whole_internet
from linter.tables import load_table
from linter.values import Branches, Unknown

_TABLES = {"plaintext": "plaintext_ports", "database": "azure_net_ports"}
# Source tags that admit every address: "*" and "Any" (the portal's word for it) and the
# Internet service tag (every address outside the virtual network).
_INTERNET_TAGS = ("*", "any", "internet")


def _undecided(value: Any) -> bool:
    return isinstance(value, (Unknown, Branches))


def _internet_sources(value: Any) -> tuple[list[str], bool]:
    """(internet sources, whether some source cannot be known)."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    internet, unknown = [], False
    for item in items:
        if isinstance(item, Branches):
            found, _ = _internet_sources(list(item.options))
            internet += [f"{option} (one branch of a conditional)" for option in found]
            unknown = unknown or not found
        elif isinstance(item, str):
            if item.strip().lower() in _INTERNET_TAGS or is_whole_internet(item):
                internet.append(item.strip())
        else:
            unknown = True
    return internet, unknown


def _ranges(value: Any) -> list[tuple[int, int]] | None:
    """Port ranges of a rule; None when one cannot be read."""
    items = value if isinstance(value, list) else [value]
    ranges = []
    for item in items:
        text = str(item).strip() if isinstance(item, (str, int)) else None
        if text is None:
            return None
        if text == "*":
            ranges.append((0, 65535))
            continue
        low, _, high = text.partition("-")
        try:
            ranges.append((int(low), int(high or low)))
        except ValueError:
            return None
    return ranges


def _reached(protocol: Any, ports: Any, table: str) -> list[str] | None:
    if _undecided(protocol) or _undecided(ports) or ports is None:
        return None
    name = str(protocol).strip().lower()
    ranges = _ranges(ports)
    if ranges is None:
        return None
    reached = []
    for entry in load_table(table)["ports"]:
        if name != "*" and name not in entry["protocols"]:
            continue
        if any(low <= entry["port"] <= high for low, high in ranges):
            shown = "/".join(entry["protocols"]) if name == "*" else name
            reached.append(f"port {entry['port']} ({entry['name']}, {shown})")
    return reached


def azure_nsg_no_internet_port(value: Any, *, ports: str = "plaintext",
                               **_: Any) -> CheckResult:
    """Passes unless an inbound Allow rule admits an internet source to a listed port."""
    if ports not in _TABLES:
        raise ValueError(f"unknown port list {ports!r}: use one of {', '.join(_TABLES)}")
    if not isinstance(value, dict):
        return CheckResult(None, "the rule is not understood")
    for part, expected in (("direction", "inbound"), ("access", "allow")):
        setting = value.get(part)
        if _undecided(setting):
            return CheckResult(None, f"the rule's {part} cannot be known statically")
        if str(setting).strip().lower() != expected:
            return CheckResult(True, f"{part} is {setting}")
    internet, unknown = _internet_sources(value.get("sources"))
    if not internet and not unknown:
        return CheckResult(True, "no internet source (*, Internet, Any or a /0 range)")
    reached = _reached(value.get("protocol"), value.get("ports"), _TABLES[ports])
    if reached is None:
        return CheckResult(None, "the protocol or destination ports cannot be known "
                                 "statically")
    if not reached:
        return CheckResult(True, "no listed port in the destination ports")
    listed = ", ".join(reached[:3]) + (f" and {len(reached) - 3} more" if len(reached) > 3
                                       else "")
    if internet:
        return CheckResult(False, f"{listed} open to {', '.join(dict.fromkeys(internet))}")
    return CheckResult(None, f"{listed} open to a source that cannot be known statically")


CHECKS = {"azure_nsg_no_internet_port": azure_nsg_no_internet_port}
