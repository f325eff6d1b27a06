"""Named predicates for conditions the declarative rule language cannot express.

A check module declares `CHECKS`, a mapping from check name to a function
`(value, **arguments) -> CheckResult`. The value is a field's plain value (never
Unknown: the engine decides UNKNOWN before calling). Rules name checks with
`check: NAME`; the schema test proves every named check exists.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True)
class CheckResult:
    passed: bool | None  # None: cannot be decided (an UNKNOWN outcome)
    detail: str = ""
    # Facts learnt on the way that reports count (e.g. {"tls13": True}), whatever passed.
    facts: tuple[tuple[str, Any], ...] = ()


Check = Callable[..., CheckResult]


@cache
def registry() -> dict[str, Check]:
    checks: dict[str, Check] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda item: item.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, function in getattr(module, "CHECKS", {}).items():
            if name in checks:
                raise ValueError(f"check {name} is declared twice ({info.name})")
            checks[name] = function
    return checks


def run_check(name: str, value: Any, arguments: dict[str, Any]) -> CheckResult:
    return registry()[name](value, **arguments)
