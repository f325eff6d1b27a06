"""Whether a firewall setting admits the whole internet (NET-004)."""

from __future__ import annotations

from typing import Any

from linter.checks import CheckResult
from linter.models.address_ranges import is_whole_internet


def restricts_sources(value: Any, **_: Any) -> CheckResult:
    """A list of admitted CIDRs passes without a /0 range; a firewall default action
    passes when it is Deny; nothing written (no list) admits nobody through it.

    The empty detail lets the engine show the attribute and its value.
    """
    if value is None:
        return CheckResult(True)
    if isinstance(value, str):
        return CheckResult(value.strip().lower() == "deny")
    items = value if isinstance(value, list) else [value]
    return CheckResult(not any(is_whole_internet(item) for item in items))


CHECKS = {"restricts_sources": restricts_sources}
