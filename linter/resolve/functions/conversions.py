"""Terraform's automatic type conversions between the values of `linter.values`.

Terraform converts an argument to the parameter's type before a function sees it: a
number or bool where a string is wanted becomes its text, the strings "true"/"false" a
bool, a decimal string a number. Anything else is an error, raised as FunctionError.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from linter.resolve.functions.base import FunctionError, NotEvaluated, check_integer
from linter.values import ConfigNode

# cty parses a string as a number only in this plain decimal form (no spaces, no hex).
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, ConfigNode):
        return "map"
    return "value"


def number_text(number: int | float) -> str:
    """A number as Terraform writes it: positional notation, no exponent, no `.0`."""
    if isinstance(number, bool):
        raise FunctionError("a number is required, not a bool")
    if isinstance(number, int):
        return str(check_integer(number))
    if math.isinf(number):
        return "+Inf" if number > 0 else "-Inf"
    if math.isnan(number):
        raise FunctionError("NaN is not a number")
    # repr() is the shortest text that reads back as the same float; Terraform keeps the
    # literal's own digits, which that shortest text is for any literal a float holds.
    exact = Decimal(repr(number)).normalize()
    if exact.adjusted() > 4000 or exact.adjusted() < -4000:
        raise NotEvaluated("number exceeds the 3,900-digit limit")
    return format(exact, "f")


def to_decimal(number: int | float) -> Decimal:
    if isinstance(number, int):
        return Decimal(check_integer(number))
    if math.isinf(number) or math.isnan(number):
        raise NotEvaluated("an infinite number is not evaluated")
    return Decimal(repr(number))


def from_decimal(value: Decimal) -> int | float:
    """A Decimal back to the int (when whole) or float the values model uses."""
    if value == value.to_integral_value():
        if value.adjusted() > 3900:
            raise NotEvaluated("number exceeds the 3,900-digit limit")
        return int(value)
    return float(value)


def as_string(value: Any, what: str = "argument") -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if value is None:
        raise FunctionError(f"{what} must not be null")
    raise FunctionError(f"{what} must be a string, not a {type_name(value)}")


def parse_number(text: str, what: str = "argument") -> int | float:
    if not _DECIMAL.fullmatch(text):
        raise FunctionError(f"{what} must be a decimal representation of a number")
    if len(text) > 4000:
        raise NotEvaluated("number exceeds the 3,900-digit limit")
    try:
        return from_decimal(Decimal(text))
    except (InvalidOperation, ValueError, OverflowError):
        raise NotEvaluated("number could not be converted") from None


def as_number(value: Any, what: str = "argument") -> int | float:
    if isinstance(value, bool):
        raise FunctionError(f"{what} must be a number, not a bool")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return parse_number(value, what)
    if value is None:
        raise FunctionError(f"{what} must not be null")
    raise FunctionError(f"{what} must be a number, not a {type_name(value)}")


def as_integer(value: Any, what: str = "argument") -> int:
    number = as_number(value, what)
    if isinstance(number, float):
        if not number.is_integer():
            raise FunctionError(f"{what} must be a whole number")
        return int(number)
    return number


def as_bool(value: Any, what: str = "argument") -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    if value is None:
        raise FunctionError(f"{what} must not be null")
    raise FunctionError(f"{what} must be a bool (or the string \"true\" or \"false\")")


def as_list(value: Any, what: str = "argument") -> list[Any]:
    if isinstance(value, list):
        return value
    if value is None:
        raise FunctionError(f"{what} must not be null")
    raise FunctionError(f"{what} must be a list, set or tuple, not a {type_name(value)}")


def as_map(value: Any, what: str = "argument") -> ConfigNode:
    if isinstance(value, ConfigNode):
        return value
    if value is None:
        raise FunctionError(f"{what} must not be null")
    raise FunctionError(f"{what} must be a map or object, not a {type_name(value)}")


def as_strings(value: Any, what: str = "argument") -> list[str]:
    """A list of strings, converting numbers and bools; null elements are errors."""
    return [as_string(item, f"element {index} of {what}")
            for index, item in enumerate(as_list(value, what))]


def unify(items: list[Any]) -> list[Any]:
    """Elements converted to one primitive type, as Terraform makes a list or set.

    A mix of strings with numbers or bools becomes all strings; numbers with bools
    cannot unify. Structured elements are left as they are.
    """
    kinds = {type_name(item) for item in items if item is not None}
    if len(kinds) <= 1 or not kinds <= {"string", "number", "bool"}:
        return items
    if "string" not in kinds:
        raise FunctionError("all elements must have the same type (numbers and bools mix)")
    return [None if item is None else as_string(item) for item in items]


def value_key(value: Any) -> Any:
    """A hashable stand-in for a known value, equal exactly when Terraform's values are.

    Python's own equality says True == 1 and treats a ConfigNode by identity.
    """
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and value.is_integer():
            return ("number", int(value))
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list):
        return ("list", tuple(value_key(item) for item in value))
    if isinstance(value, ConfigNode):
        return ("map", tuple(sorted((key, value_key(item)) for key, item in value.items())))
    return ("marker", id(value))
