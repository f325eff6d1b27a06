"""How the evaluator calls the built-in function library (linter.resolve.hcl_functions).

Every call passes `base_dir`, the module folder that `file()`, `fileexists()` and
`templatefile()` read relative paths from, and `render_template`, the evaluator's own
template rendering for `templatefile()`. Impure functions are not called at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from linter.resolve.hcl_functions import call
from linter.values import Unknown

# Functions whose result differs on every run (or is fixed only during the plan).
IMPURE_FUNCTIONS = frozenset({"timestamp", "plantimestamp", "uuid", "bcrypt"})

RenderTemplate = Callable[[str, Any], Any]


def call_function(name: str, args: list[Any], base_dir: str,
                  render_template: RenderTemplate) -> Any:
    """The value of `name(args...)`, arguments already evaluated (none is an error)."""
    if name in IMPURE_FUNCTIONS:
        return Unknown(f"{name}() gives a different value on every run")
    return call(name, args, base_dir=base_dir, render_template=render_template)
