"""Numeric functions. Terraform's numbers are arbitrary precision; ints stay ints here,
`log` and `pow` go through 64-bit floats as Terraform's own do."""

from __future__ import annotations

import math
from typing import Any

from linter.resolve.functions.base import FunctionError, NotEvaluated, check_integer, known
from linter.resolve.functions.conversions import as_integer, as_number

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _whole(number: int | float) -> int | float:
    """A float with no fraction as an int, the way Terraform prints it."""
    if isinstance(number, float) and number.is_integer() and abs(number) < 2**63:
        return int(number)
    return number


def _abs(number: Any) -> int | float:
    return abs(as_number(number))


def _ceil(number: Any) -> int | float:
    value = as_number(number)
    return value if isinstance(value, int) or math.isinf(value) else math.ceil(value)


def _floor(number: Any) -> int | float:
    value = as_number(number)
    return value if isinstance(value, int) or math.isinf(value) else math.floor(value)


def _signum(number: Any) -> int:
    value = as_number(number)
    return (value > 0) - (value < 0)


def _log(number: Any, base: Any) -> int | float:
    value, radix = float(as_number(number)), float(as_number(base))
    try:
        result = math.log(value) / math.log(radix) if value != 0 else -math.inf
    except (ValueError, ZeroDivisionError):
        raise FunctionError("the result is not a number") from None
    if math.isnan(result):
        raise FunctionError("the result is not a number")
    return _whole(result)


def _pow(number: Any, power: Any) -> int | float:
    base, exponent = as_number(number), as_number(power)
    try:
        result = math.pow(float(base), float(exponent))
    except OverflowError:
        result = math.inf
    except ValueError:
        raise FunctionError("the result is not a number") from None
    return _whole(result)


def _extreme(name: str, pick: Any) -> Any:
    def run(*numbers: Any) -> int | float:
        if not numbers:
            raise FunctionError("must pass at least one number")
        values = [as_number(number) for number in numbers]
        return pick(values)
    run.__name__ = name
    return run


def _digit_value(char: str, base: int) -> int:
    # Go's big.Int: letters are 10-35 in either case up to base 36; above it, lower
    # case is 10-35 and upper case 36-61.
    if char.isdigit() and char.isascii():
        return ord(char) - ord("0")
    if base <= 36:
        index = _DIGITS.find(char.lower()) if char.isascii() else -1
        return index if index >= 0 else base
    if "a" <= char <= "z":
        return ord(char) - ord("a") + 10
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 36
    return base


def _parseint(text: Any, base: Any) -> int:
    if not isinstance(text, str):
        raise FunctionError("the first argument must be a string")
    digits, radix = text, as_integer(base, "base")
    if not 2 <= radix <= 62:
        raise FunctionError("base must be a whole number between 2 and 62 inclusive")
    sign = -1 if digits.startswith("-") else 1
    body = digits[1:] if digits[:1] in ("+", "-") else digits
    if len(body) * math.log2(radix) > 13_000:
        raise NotEvaluated("number exceeds the 3,900-digit limit")
    values = [_digit_value(char, radix) for char in body]
    if not values or any(value >= radix for value in values):
        raise FunctionError(f"cannot parse the string as a base {radix} integer")
    number = 0
    for value in values:
        number = number * radix + value
    return check_integer(sign * number)


FUNCTIONS = {
    "abs": known("abs", _abs, 1),
    "ceil": known("ceil", _ceil, 1),
    "floor": known("floor", _floor, 1),
    "log": known("log", _log, 2),
    "max": known("max", _extreme("max", max), 0, None),
    "min": known("min", _extreme("min", min), 0, None),
    "parseint": known("parseint", _parseint, 2),
    "pow": known("pow", _pow, 2),
    "signum": known("signum", _signum, 1),
}
