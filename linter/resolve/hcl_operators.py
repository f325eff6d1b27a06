"""Terraform's operators on resolved values, with Terraform's conversions.

- Arithmetic and `<`/`>` convert strings of numbers (`"5" + 1` is 6); `==`/`!=` never
  convert (`"true" == true` and `"5" == 5` are false: the types differ).
- `&&`/`||` short-circuit on a known false/true, whatever the other side is.
- A value not known until apply compared with `null` is still known when the value is
  certainly not null: a resource's `id`/`arn`, a string with unknown parts, a collection.
- An operand that is an `EvaluationError` makes the result that error (what `try()`
  falls back from); any other unknown operand makes the result Unknown. Nothing raises.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import InvalidOperation, localcontext
from typing import Any

from linter.resolve.functions.base import FunctionError, NotEvaluated
from linter.resolve.functions.conversions import (
    as_bool,
    as_number,
    as_string,
    from_decimal,
    to_decimal,
    type_name,
)
from linter.values import (
    Branches,
    ConfigNode,
    EvaluationError,
    PartialText,
    ResourceRef,
    Unknown,
    is_known,
)


@dataclass(frozen=True)
class LimitReached(Unknown):
    """An evaluation limit was reached (steps, depth, size): unknown, and so is any
    string built from it (no `${...}` placeholder that would hide the limit)."""


# Significant digits of arithmetic: Terraform's numbers are 512-bit floats (about 154
# digits), so a whole number of 30 digits stays exact (Python's default keeps 28).
_PRECISION = 160
# Attributes every declared resource and data source has once it exists, never null.
NEVER_NULL_ATTRIBUTES = frozenset({"id", "arn"})


def error_in(values: Any) -> EvaluationError | None:
    """The first EvaluationError among `values` (not inside them), or None."""
    for value in values:
        if isinstance(value, EvaluationError):
            return value
    return None


def _converted(convert: Callable[[Any, str], Any], value: Any, what: str) -> Any:
    """The function library's conversion (Terraform's rules, written once), its failure
    as the marker the evaluator passes on."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, (ResourceRef, Branches)):
        return Unknown(f"{value} is not known until apply")
    try:
        return convert(value, what)
    except FunctionError as error:
        return EvaluationError(str(error))
    except NotEvaluated as error:
        return LimitReached(str(error))


def to_number(value: Any) -> int | float | Unknown:
    """A number (a decimal string converts), why the value is not one (EvaluationError)
    or why it is not known (Unknown)."""
    if type(value) is int or type(value) is float:  # as_number's answer, without a call
        return value
    return _converted(as_number, value, "operand")  # type: ignore[no-any-return]


def to_bool(value: Any, what: str = "condition") -> bool | Unknown:
    if value is True or value is False:
        return value  # type: ignore[no-any-return]
    return _converted(as_bool, value, what)  # type: ignore[no-any-return]


def to_text(value: Any) -> str | Unknown:
    """The text Terraform interpolates for a primitive value ("2", not "2.0")."""
    if type(value) is str:
        return value
    return _converted(as_string, value, "interpolated value")  # type: ignore[no-any-return]


def is_null(value: Any) -> bool | Unknown:
    """Whether the value is null; known for many values not known until apply."""
    if value is None:
        return True
    if isinstance(value, EvaluationError):
        return value
    if isinstance(value, PartialText):
        return False  # a string whose parts are unknown is still a string
    if isinstance(value, ResourceRef):
        if value.attribute is None or value.attribute in NEVER_NULL_ATTRIBUTES:
            return False
        arguments = value.arguments
        if isinstance(arguments, ConfigNode) and value.attribute in arguments:
            return is_null(arguments.get(value.attribute))  # an argument written in the block
        return Unknown(f"{value} is not known until apply")
    if isinstance(value, Branches):
        results = [is_null(option) for option in value.options]
        if all(result is True for result in results) or all(result is False
                                                             for result in results):
            return results[0]
        return Unknown("some branches of the conditional are null")
    if isinstance(value, Unknown):
        return value
    return False


def equals(left: Any, right: Any) -> bool | Unknown:
    """Terraform's `==`: no conversion between types; unknown when a side is unknown,
    except a comparison with null whose answer is certain."""
    error = error_in((left, right))
    if error is not None:
        return error
    if left is None or right is None:
        other = right if left is None else left
        null = is_null(other)
        return null if isinstance(null, Unknown) else null
    if not (is_known(left) and is_known(right)):
        return Unknown("a compared value is not known until apply")
    same = _same(left, right)
    return Unknown("a compared value is not known until apply") if same is None else same


def _same(left: Any, right: Any) -> bool | None:
    """Structural equality; None when a resource attribute makes it unknowable."""
    if isinstance(left, ResourceRef) or isinstance(right, ResourceRef):
        return True if left == right else None  # the same attribute of the same resource
    if type_name(left) != type_name(right):
        return False
    if isinstance(left, ConfigNode):
        if sorted(left.keys()) != sorted(right.keys()):
            return False
        return _all_same([(left.get(key), right.get(key)) for key in left.keys()])
    if isinstance(left, list):
        return len(left) == len(right) and _all_same(list(zip(left, right)))
    return bool(left == right)


def _all_same(pairs: list[tuple[Any, Any]]) -> bool | None:
    results = [_same(left, right) for left, right in pairs]
    if False in results:
        return False
    return None if None in results else True


def _arithmetic(operator: str, left: int | float, right: int | float) -> Any:
    """Exact decimal arithmetic, as Terraform's arbitrary-precision numbers do it
    (0.1 + 0.2 is 0.3); the remainder takes the sign of the dividend (-5 % 3 is -2)."""
    if operator in ("/", "%") and right == 0:
        return EvaluationError("division by zero")
    try:
        with localcontext() as context:
            context.prec = _PRECISION
            a, b = to_decimal(left), to_decimal(right)
            result = {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[operator] \
                if operator != "%" else a % b
            return from_decimal(result)
    except NotEvaluated as error:
        return LimitReached(str(error))
    except (InvalidOperation, ArithmeticError):
        return LimitReached(f"{operator} gives a number too large to evaluate")


_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b, ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
}


def binary(operator: str, left: Any, right: Any) -> Any:
    """`left operator right`; a conditional's branches on one side are judged one by one."""
    if operator in ("&&", "||"):
        return _logical(operator, left, right)
    for side, other, first in ((left, right, True), (right, left, False)):
        if isinstance(side, Branches) and not isinstance(other, (Branches, EvaluationError)):
            results = tuple(binary(operator, option, other) if first
                            else binary(operator, other, option) for option in side.options)
            return collapse(Branches(results, side.labels))
    if operator in ("==", "!="):
        equal = equals(left, right)
        return equal if isinstance(equal, Unknown) else equal == (operator == "==")
    numbers = (to_number(left), to_number(right))
    error = error_in(numbers)
    if error is not None:
        return error
    unknown = next((number for number in numbers if isinstance(number, Unknown)), None)
    if unknown is not None:
        return unknown if isinstance(unknown, LimitReached) else Unknown(
            f"operand of {operator} is not known")
    if operator in _ORDERINGS:
        return _ORDERINGS[operator](*numbers)
    return _arithmetic(operator, *numbers)  # type: ignore[arg-type]


def _logical(operator: str, left: Any, right: Any) -> Any:
    # Short-circuit: a known false (&&) or true (||) on the left decides, whatever the
    # right side is, even an error; on the right it decides once the left is not an error.
    deciding = operator == "||"
    left_bool, right_bool = to_bool(left, "operand"), to_bool(right, "operand")
    if left_bool is deciding:
        return deciding
    if isinstance(left_bool, (EvaluationError, LimitReached)):
        return left_bool
    if right_bool is deciding:
        return deciding
    if isinstance(right_bool, (EvaluationError, LimitReached)):
        return right_bool
    if isinstance(left_bool, Unknown) or isinstance(right_bool, Unknown):
        return Unknown(f"operand of {operator} is not known")
    return right_bool


def unary(operator: str, operand: Any) -> Any:
    if isinstance(operand, Branches):
        return collapse(Branches(tuple(unary(operator, option) for option in operand.options),
                                 operand.labels))
    value = to_bool(operand, "operand") if operator == "!" else to_number(operand)
    if isinstance(value, (EvaluationError, LimitReached)):
        return value
    if isinstance(value, Unknown):
        return Unknown("operand is not known")
    return (not value) if operator == "!" else -value


def collapse(branches: Branches) -> Any:
    """One value when every branch gave the same known value; an error in a branch is
    not hidden (it stays a branch of its own)."""
    first = branches.options[0]
    if all(is_known(option) for option in branches.options) and all(
            _same(option, first) is True for option in branches.options):
        return first
    return branches
