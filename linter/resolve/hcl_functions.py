"""Terraform's built-in functions, evaluated over resolved values (linter.values).

`call(name, args)` is the evaluator's one entry point: a dict lookup and one call. The
functions live in `linter.resolve.functions`, one module per family. A function answers
with a value, with `Unknown` when an argument is unknown or the answer depends on the
run (timestamp(), uuid()), or with `EvaluationError` where Terraform itself would fail
(what the evaluator's try() falls back from). Functions never raise.
"""

from __future__ import annotations

from typing import Any

from linter.resolve.functions import (
    collections,
    datetime,
    encoding,
    filesystem,
    formatting,
    hashing_crypto,
    ip_network,
    numeric,
    sets,
    strings,
    type_conversion,
)
from linter.resolve.functions.base import (
    CallContext,
    ContextFunction,
    Function,
    FunctionError,
    NotEvaluated,
    TemplateRenderer,
)
from linter.values import EvaluationError, Unknown

# Kept importable from here: adapters and tests encode policy documents with it.
jsonencode = encoding.jsonencode

FUNCTIONS: dict[str, Function] = {
    **collections.FUNCTIONS,
    **datetime.FUNCTIONS,
    **encoding.FUNCTIONS,
    **filesystem.FUNCTIONS,
    **formatting.FUNCTIONS,
    **hashing_crypto.FUNCTIONS,
    **ip_network.FUNCTIONS,
    **numeric.FUNCTIONS,
    **sets.FUNCTIONS,
    **strings.FUNCTIONS,
    **type_conversion.FUNCTIONS,
}
# The few that read files or render templates take the caller's context too.
CONTEXT_FUNCTIONS: dict[str, ContextFunction] = {
    **filesystem.CONTEXT_FUNCTIONS,
    **strings.CONTEXT_FUNCTIONS,
}
_NO_CONTEXT = CallContext()


def call(name: str, args: list[Any], *, base_dir: str | None = None,
         render_template: TemplateRenderer | None = None) -> Any:
    """The value of `name(args...)`; `base_dir` is the module folder file paths resolve
    in, `render_template(text, vars)` the evaluator's template renderer."""
    function = FUNCTIONS.get(name)
    try:
        if function is not None:
            return function(args)
        return _uncommon(name, args, base_dir, render_template)
    except FunctionError as error:
        return EvaluationError(f"{_plain_name(name)}(): {error}")
    except NotEvaluated as error:
        return Unknown(f"{_plain_name(name)}(): {error}")
    except RecursionError:
        return Unknown(f"{_plain_name(name)}() could not be evaluated: the value is too deeply "
                       "nested")
    except Exception as error:  # noqa: BLE001 - a function must never break the scan
        return Unknown(f"{_plain_name(name)}() could not be evaluated: {type(error).__name__}")


def _uncommon(name: str, args: list[Any], base_dir: str | None,
              render_template: TemplateRenderer | None) -> Any:
    """File and template functions, `core::` names and unknown names."""
    if name.startswith("core::"):
        return call(name[len("core::"):], args, base_dir=base_dir,
                    render_template=render_template)
    function = CONTEXT_FUNCTIONS.get(name)
    if function is not None:
        context = (CallContext(base_dir, render_template)
                   if base_dir is not None or render_template is not None else _NO_CONTEXT)
        return function(args, context)
    if name.startswith("provider::"):
        return Unknown(f"provider function {name}() is not evaluated")
    return Unknown(f"function {name}() is not evaluated")


def _plain_name(name: str) -> str:
    return name[len("core::"):] if name.startswith("core::") else name
