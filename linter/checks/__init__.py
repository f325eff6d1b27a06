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
    """A named check's answer: passed, failed or undecided, and why."""

    passed: bool | None  # None: cannot be decided (an UNKNOWN outcome)
    detail: str = ""
    # Facts learnt on the way that reports count (e.g. {"tls13": True}), whatever passed.
    facts: tuple[tuple[str, Any], ...] = ()


Check = Callable[..., CheckResult]


@cache
def registry() -> dict[str, Check]:
    """Every check by name, every check module imported."""
    return {name: importlib.import_module(module).CHECKS[name]
            for name, module in declaring_modules().items()}


def declaring_modules() -> dict[str, str]:
    """The module whose CHECKS declares each check, by check name (imports them all);
    ValueError when two declare the same name."""
    modules: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda item: item.name):
        module = f"{__name__}.{info.name}"
        for name in getattr(importlib.import_module(module), "CHECKS", {}):
            if name in modules:
                raise ValueError(f"check {name} is declared twice ({info.name})")
            modules[name] = module
    return modules


def check(name: str) -> Check:
    """One check by name, importing only the module that declares it (the source index
    names it, see linter.source_index); KeyError when no module declares it."""
    from linter.source_index import check_module

    module = check_module(name)
    if module is not None:
        found = getattr(importlib.import_module(module), "CHECKS", {}).get(name)
        if found is not None:
            return found  # type: ignore[no-any-return]
    return registry()[name]


def run_check(name: str, value: Any, arguments: dict[str, Any]) -> CheckResult:
    return check(name)(value, **arguments)
