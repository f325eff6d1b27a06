"""What every function family shares: failure kinds, limits and argument checks.

A function body raises `FunctionError` where Terraform itself would reject the call (the
evaluator's `try()` falls back from that) and `NotEvaluated` where the answer exists but
is not computed here (a limit, an unsupported encoding). The wrappers below check the
argument count and unknown arguments once, so function bodies see only what they can use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from linter.values import Branches, ConfigNode, EvaluationError, ResourceRef, Unknown

# Bounds on what one call may build, so a hostile file cannot exhaust memory.
MAX_TEXT_LENGTH = 10 * 1024 * 1024  # characters of a string result
MAX_BYTES = 10 * 1024 * 1024  # bytes decoded or read from a file
MAX_ELEMENTS = 100_000  # elements of a collection result
MAX_INTEGER_BITS = 13_000  # about 3,900 decimal digits: below Python's int->str limit


class FunctionError(Exception):
    """The arguments are known and Terraform would fail the call with this message."""


class NotEvaluated(Exception):
    """The result exists but is not computed here; the message says why."""


Function = Callable[[list[Any]], Any]
TemplateRenderer = Callable[[str, dict[str, Any]], Any]


@dataclass(frozen=True)
class CallContext:
    """What the few functions that read files or render templates need from the caller."""

    base_dir: str | None = None  # the module folder: file paths resolve inside it
    render_template: TemplateRenderer | None = None  # the evaluator's template renderer


ContextFunction = Callable[[list[Any], CallContext], Any]


def first_unknown(value: Any) -> Any:
    """The first marker inside `value` (an Unknown, Branches or ResourceRef), else None.

    An EvaluationError found anywhere wins over a mere unknown: Terraform fails the
    whole expression, and `try()` must see that failure through nested calls.
    """
    found = None
    pending = [value]
    while pending:
        item = pending.pop()
        kind = type(item)
        if kind is str or kind is int or kind is bool or kind is float or item is None:
            continue  # the most common arguments, which hold no marker
        if isinstance(item, EvaluationError):
            return item
        if isinstance(item, (Unknown, Branches, ResourceRef)):
            found = found if found is not None else item
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, ConfigNode):
            pending.extend(item.values.values())
    return found


def first_error(values: list[Any]) -> EvaluationError | None:
    """The first EvaluationError anywhere in the arguments, else None."""
    marker = first_unknown(values)
    return marker if isinstance(marker, EvaluationError) else None


def unknown_result(name: str, marker: Any) -> Unknown:
    if isinstance(marker, EvaluationError):
        return marker
    return Unknown(f"{name}() of an unknown value")


def _arity_error(name: str, count: int, minimum: int, maximum: int | None) -> EvaluationError:
    if maximum is None:
        expected = f"at least {minimum}"
    elif minimum == maximum:
        expected = str(minimum)
    else:
        expected = f"{minimum} to {maximum}"
    noun = "argument" if expected == "1" else "arguments"
    return EvaluationError(f"{name}() takes {expected} {noun}, got {count}")


def _refusal(name: str, args: list[Any], minimum: int, upper: int | None,
             wholly_known: bool) -> Any:
    """What a call answers before its body runs: a wrong argument count, an error
    inside an argument, or (when the body needs known values) an unknown argument."""
    count = len(args)
    if count < minimum or (upper is not None and count > upper):
        return _arity_error(name, count, minimum, upper)
    marker = first_unknown(args)
    if marker is None:
        return None
    if wholly_known:
        return unknown_result(name, marker)
    return marker if isinstance(marker, EvaluationError) else None


def known(name: str, body: Callable[..., Any], minimum: int,
          maximum: int | None = -1) -> Function:
    """A function whose arguments must all be wholly known (most of them).

    `maximum` -1 means exactly `minimum`; None means any number from `minimum` on.
    """
    return _checked(name, body, minimum, maximum, wholly_known=True)


def lenient(name: str, body: Callable[..., Any], minimum: int,
            maximum: int | None = -1) -> Function:
    """A function that still answers with some unknown arguments; `body` sees them.

    Errors inside the arguments still fail the call, as in Terraform.
    """
    return _checked(name, body, minimum, maximum, wholly_known=False)


def _checked(name: str, body: Callable[..., Any], minimum: int, maximum: int | None,
             wholly_known: bool) -> Function:
    upper = minimum if maximum == -1 else maximum

    def run(args: list[Any]) -> Any:
        refusal = _refusal(name, args, minimum, upper, wholly_known)
        return body(*args) if refusal is None else refusal

    run.__name__ = name
    return run


def with_context(name: str, body: Callable[..., Any], minimum: int,
                 maximum: int | None = -1, *, wholly_known: bool = True) -> ContextFunction:
    """`known` (or `lenient`), for a body that takes the CallContext first."""
    upper = minimum if maximum == -1 else maximum

    def run(args: list[Any], context: CallContext) -> Any:
        refusal = _refusal(name, args, minimum, upper, wholly_known)
        return body(context, *args) if refusal is None else refusal

    run.__name__ = name
    return run


def not_evaluated(name: str, reason: str) -> Function:
    """A function whose result cannot be known statically (impure, secret, console-only)."""
    unknown = Unknown(f"{name}() {reason}")

    def run(args: list[Any]) -> Any:
        return first_error(args) or unknown

    run.__name__ = name
    return run


def removed(name: str, message: str) -> Function:
    """A function Terraform 0.12 removed: calling it is an error."""
    error = EvaluationError(f"{name}() {message}")

    def run(args: list[Any]) -> Any:
        return error

    run.__name__ = name
    return run


def is_unknown(value: Any) -> bool:
    """True for a marker that stands for a value not known here."""
    return isinstance(value, (Unknown, Branches, ResourceRef))


def check_length(length: int) -> None:
    """Refuse a string result longer than the limit, before building it."""
    if length > MAX_TEXT_LENGTH:
        raise NotEvaluated(f"result would exceed the limit of {MAX_TEXT_LENGTH:,} characters")


def check_text(text: str) -> str:
    check_length(len(text))
    return text


def check_count(count: int, what: str = "elements") -> None:
    if count > MAX_ELEMENTS:
        raise NotEvaluated(f"result would exceed the limit of {MAX_ELEMENTS:,} {what}")


def check_integer(number: int) -> int:
    if number.bit_length() > MAX_INTEGER_BITS:
        raise NotEvaluated("number exceeds the 3,900-digit limit")
    return number
