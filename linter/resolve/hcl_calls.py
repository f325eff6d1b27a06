"""How the evaluator calls the built-in function library (linter.resolve.hcl_functions).

The library takes optional keywords: `base_dir`, the module folder that `file()`,
`fileexists()` and `templatefile()` read relative paths from, and `render_template`,
the evaluator's own template rendering for `templatefile()`. They are passed when the
library's signature accepts them, so either side can change first.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from linter.resolve.hcl_functions import call
from linter.values import Unknown

# Functions whose result differs on every run (or is fixed only during the plan).
IMPURE_FUNCTIONS = frozenset({"timestamp", "plantimestamp", "uuid", "bcrypt"})

RenderTemplate = Callable[[str, Any], Any]


@functools.cache
def _accepted_keywords(function: Callable[..., Any]) -> frozenset[str] | None:
    """The keyword arguments `function` takes; None when it takes any (`**kwargs`)."""
    parameters = inspect.signature(function).parameters.values()
    if any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters):
        return None
    return frozenset(parameter.name for parameter in parameters
                     if parameter.kind in (inspect.Parameter.KEYWORD_ONLY,
                                           inspect.Parameter.POSITIONAL_OR_KEYWORD))


def call_function(name: str, args: list[Any], base_dir: str,
                  render_template: RenderTemplate) -> Any:
    """The value of `name(args...)`, arguments already evaluated (none is an error)."""
    if name in IMPURE_FUNCTIONS:
        return Unknown(f"{name}() gives a different value on every run")
    accepted = _accepted_keywords(call)
    keywords = {keyword: value for keyword, value in (("base_dir", base_dir),
                                                     ("render_template", render_template))
                if accepted is None or keyword in accepted}
    return call(name, args, **keywords)
