"""format and formatlist: Terraform's printf, whose verbs follow Go's fmt.

%v (strings as is, numbers in Go's shortest %g, anything else as JSON), %#v (JSON),
%t, %d %b %o %x %X (integers), %e %E %f %g %G (numbers), %s %q (strings), %%; flags
`0 # - + space`, width, `.precision` and `[n]` argument indexes. Widths of strings
count grapheme clusters.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

from linter.resolve.functions.base import (
    MAX_TEXT_LENGTH,
    FunctionError,
    NotEvaluated,
    check_count,
    check_length,
    first_unknown,
    is_unknown,
    lenient,
)
from linter.resolve.functions.conversions import (
    as_bool,
    as_number,
    as_string,
    to_decimal,
)
from linter.resolve.functions.serialization import json_string, json_text, placeholder
from linter.resolve.functions.text import grapheme_count, graphemes
from linter.values import PartialText, Unknown

_BASES = {"b": 2, "o": 8, "d": 10, "x": 16, "X": 16}
_PREFIXES = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}


@dataclass(frozen=True)
class Verb:
    """One `%` verb of a format() string."""

    flags: str
    width: int | None
    precision: int | None
    argument: int  # zero-based
    mode: str

    @property
    def plain(self) -> bool:
        return not self.flags and self.width is None and self.precision is None


def _digits(spec: str, index: int) -> tuple[int | None, int]:
    end = index
    while end < len(spec) and spec[end].isdigit():
        end += 1
    if end == index:
        return None, index
    if end - index > 8:
        raise NotEvaluated(f"a width or precision exceeds the {MAX_TEXT_LENGTH:,} limit")
    return int(spec[index:end]), end


def parse(spec: str) -> list[str | Verb]:
    """Literal text and verbs, in order; `%%` is literal text."""
    parts: list[str | Verb] = []
    literal: list[str] = []
    index, next_argument = 0, 0
    while index < len(spec):
        char = spec[index]
        index += 1
        if char != "%":
            literal.append(char)
            continue
        if spec.startswith("%", index):
            literal.append("%")
            index += 1
            continue
        start = index
        while index < len(spec) and spec[index] in "0#-+ ":
            index += 1
        flags = spec[start:index]
        width, index = _digits(spec, index)
        precision = None
        if spec.startswith(".", index):
            precision, index = _digits(spec, index + 1)
            precision = precision or 0
        argument = next_argument
        if spec.startswith("[", index):
            number, end = _digits(spec, index + 1)
            if not number or not spec.startswith("]", end):
                raise FunctionError("invalid format string: bad argument index")
            argument, index = number - 1, end + 1
        if index >= len(spec) or not (spec[index].isascii() and spec[index].isalpha()):
            raise FunctionError("invalid format string: a verb letter must follow %")
        for size in (width, precision):
            if size is not None and size > MAX_TEXT_LENGTH:
                raise NotEvaluated(f"a width or precision exceeds the {MAX_TEXT_LENGTH:,} limit")
        if literal:
            parts.append("".join(literal))
            literal = []
        parts.append(Verb(flags, width, precision, argument, spec[index]))
        next_argument = argument + 1
        index += 1
    if literal:
        parts.append("".join(literal))
    return parts


def _pad(verb: Verb, text: str, count: int | None = None) -> str:
    if verb.width is None:
        return text
    missing = verb.width - (grapheme_count(text) if count is None else count)
    if missing <= 0:
        return text
    padding = ("0" if "0" in verb.flags else " ") * missing
    return text + padding if "-" in verb.flags else padding + text


def _sign(negative: bool, flags: str) -> str:
    if negative:
        return "-"
    return "+" if "+" in flags else " " if " " in flags else ""


def _integer(verb: Verb, value: Any) -> str:
    number = as_number(value)
    if isinstance(number, float):
        if not number.is_integer():
            raise FunctionError(f"%{verb.mode} needs an integer")
        number = int(number) if abs(number) < 2**53 else int(held_fraction(to_decimal(number)))
    elif number.bit_length() > 512:
        number = int(held_fraction(Decimal(number)))
    if number == 0 and verb.precision == 0:
        return ""  # Go prints nothing at all: no sign, no padding
    digits = _in_base(abs(number), verb.mode)
    zeros = max((verb.precision or 0) - len(digits), 0)
    head = _sign(number < 0, verb.flags) + (_PREFIXES.get(verb.mode, "") if "#" in verb.flags
                                             else "")
    length = len(head) + zeros + len(digits)
    if verb.width is not None and length < verb.width:
        missing = verb.width - length
        if "-" in verb.flags:
            return head + "0" * zeros + digits + " " * missing
        if "0" in verb.flags and verb.precision is None:
            zeros += missing
        else:
            head = " " * missing + head
    return head + "0" * zeros + digits


def _in_base(number: int, mode: str) -> str:
    return str(number) if mode == "d" else format(number, mode)


def shortest_digits(value: Decimal) -> tuple[str, int]:
    """Significant digits without trailing zeros, and the decimal point's position."""
    sign, digits, exponent = value.normalize().as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    if text == "0":
        return "0", 1
    assert isinstance(exponent, int)
    return text, len(digits) + exponent


def held_fraction(value: Decimal) -> Fraction:
    """The number Terraform holds for a literal: the nearest binary fraction with a
    512-bit mantissa (so "2.675" is a hair below 2.675, "0.15" a hair above 0.15)."""
    exact = Fraction(value)
    if exact == 0:
        return exact
    magnitude = abs(exact)
    shift = 511 - (magnitude.numerator.bit_length() - magnitude.denominator.bit_length())
    scaled = magnitude * Fraction(2) ** shift
    if scaled < 2**511:
        shift, scaled = shift + 1, scaled * 2
    elif scaled >= 2**512:
        shift, scaled = shift - 1, scaled / 2
    held = Fraction(round(scaled)) / Fraction(2) ** shift
    return held if exact > 0 else -held


def _tie_rounding(value: Decimal) -> str:
    """How Go rounds a decimal tie of this literal: toward the side Terraform's held
    binary value lies on; half-even when it holds the tie exactly (0.5, 2.5)."""
    exact, held = Fraction(abs(value)), abs(held_fraction(value))
    if held > exact:
        return ROUND_HALF_UP
    return ROUND_HALF_DOWN if held < exact else ROUND_HALF_EVEN


def _rounded(value: Decimal, significant: int) -> tuple[str, int]:
    """`value` rounded as Go rounds it to `significant` digits: (digits, point)."""
    digits, point = shortest_digits(abs(value))
    if digits == "0" or len(digits) <= significant:
        return digits, point
    tie = digits[significant] == "5" and len(digits) == significant + 1
    rounding = _tie_rounding(value) if tie else ROUND_HALF_EVEN
    magnitude = abs(value)
    with localcontext() as context:  # (context arithmetic would round abs() itself)
        context.prec = max(significant, 1)
        context.rounding = rounding
        rounded = +magnitude
    return shortest_digits(rounded) if significant > 0 else ("0", point)


def _exponent_form(digits: str, point: int, precision: int, upper: bool) -> str:
    mantissa = (digits + "0" * precision)[:precision + 1]
    exponent = point - 1 if digits != "0" else 0
    body = mantissa[0] + ("." + mantissa[1:] if precision > 0 else "")
    return f"{body}{'E' if upper else 'e'}{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _fixed_form(value: Decimal, precision: int) -> str:
    digits, point = shortest_digits(abs(value))
    significant = point + precision
    if significant < 0:
        return _fixed_digits("0", 1, precision)
    if digits != "0" and len(digits) > significant:
        if significant == 0:  # rounds to 0 or to one unit of the last place kept
            above = digits[0] > "5" or (digits[0] == "5" and (
                len(digits) > 1 or _tie_rounding(value) == ROUND_HALF_UP))
            return _fixed_digits("1", point + 1, precision) if above else _fixed_digits(
                "0", 1, precision)
        digits, point = _rounded(value, significant)
    return _fixed_digits(digits, point, precision)


def _fixed_digits(digits: str, point: int, decimals: int) -> str:
    if point <= 0:
        whole, fraction = "0", "0" * -point + digits
    else:
        whole, fraction = digits[:point].ljust(point, "0"), digits[point:]
    fraction = (fraction + "0" * decimals)[:decimals]
    return whole + ("." + fraction if decimals else "")


def go_float_text(number: int | float, mode: str, precision: int | None) -> str:
    """Go's big.Float %e %f %g of a number's magnitude (the caller adds the sign)."""
    lower = mode.lower()
    value = to_decimal(number)
    if lower == "f":
        return _fixed_form(value, 6 if precision is None else precision)
    if lower == "e":
        places = 6 if precision is None else precision
        digits, point = _rounded(value, places + 1)
        return _exponent_form(digits, point, places, mode == "E")
    if precision is None:  # shortest digits; exponent form below 1e-4 and from 1e+06
        digits, point = shortest_digits(abs(value))
        significant, exponent_from = len(digits), 6
    else:
        significant = max(precision, 1)
        digits, point = _rounded(value, significant)
        exponent_from = significant
        if significant > len(digits) and len(digits) >= point:
            exponent_from = len(digits)
    if digits != "0" and (point - 1 < -4 or point - 1 >= exponent_from):
        return _exponent_form(digits, point, min(significant, len(digits)) - 1, mode == "G")
    if significant > point:
        significant = len(digits)
    return _fixed_digits(digits, point, max(significant - point, 0))


def _float(verb: Verb, value: Any) -> str:
    number = as_number(value)
    body = go_float_text(number, verb.mode, verb.precision)
    sign = _sign(number < 0, verb.flags)
    if verb.width is None or len(sign) + len(body) >= verb.width:
        return sign + body
    missing = verb.width - len(sign) - len(body)
    if "0" in verb.flags:  # for floats Go's zero padding wins over "-"
        return sign + "0" * missing + body
    if "-" in verb.flags:
        return sign + body + " " * missing
    return " " * missing + sign + body


def shortest_number(number: int | float) -> str:
    """Go's %v of a number: shortest %g, exponent form from 1e+06 and below 1e-04."""
    body = go_float_text(number, "g", None)
    return ("-" if number < 0 else "") + body


def _as_is(verb: Verb, value: Any) -> str:
    if "#" not in verb.flags and value is not None:
        if isinstance(value, str):
            return _pad(verb, value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _pad(verb, shortest_number(value))
    return _pad(verb, json_text(value))


def _text(verb: Verb, value: Any) -> str:
    text = as_string(value)
    if verb.precision:
        clusters = graphemes(text)
        text = "".join(clusters[:verb.precision])
    return _pad(verb, json_string(text) if verb.mode == "q" else text)


def _apply(verb: Verb, value: Any) -> str:
    if value is None and verb.mode != "v":
        raise FunctionError(f"%{verb.mode} cannot format a null value")
    if verb.mode == "v":
        return _as_is(verb, value)
    if verb.mode == "t":
        return "true" if as_bool(value) else "false"
    if verb.mode in _BASES:
        return _integer(verb, value)
    if verb.mode in "eEfgG":
        return _float(verb, value)
    if verb.mode in "sq":
        return _text(verb, value)
    raise FunctionError(f"unsupported format verb %{verb.mode}")


def render(parts: list[str | Verb], args: list[Any]) -> Any:
    """The formatted text; a PartialText when an unknown value fills a plain %s/%v/%d."""
    out: list[str] = []
    length, highest, partial = 0, -1, False
    for part in parts:
        if isinstance(part, str):
            piece = part
        else:
            if part.argument >= len(args):
                raise FunctionError("not enough arguments for the format string")
            highest = max(highest, part.argument)
            value = args[part.argument]
            if first_unknown(value) is not None:
                if not (part.plain and part.mode in "svd" and is_unknown(value)):
                    return Unknown("format() of an unknown value")
                piece, partial = placeholder(value), True
            else:
                piece = _apply(part, value)
        length += len(piece)
        check_length(length)
        out.append(piece)
    if highest + 1 < len(args):
        raise FunctionError(f"too many arguments; only {highest + 1} used by the format string")
    text = "".join(out)
    return PartialText("format() of an unknown value", text) if partial else text


def _format(spec: Any, *args: Any) -> Any:
    if is_unknown(spec):
        return Unknown("format() of an unknown value")
    return render(parse(as_string(spec, "format")), list(args))


def _formatlist(spec: Any, *args: Any) -> Any:
    if is_unknown(spec):
        return Unknown("formatlist() of an unknown value")
    parts = parse(as_string(spec, "format"))
    length = None
    for argument in args:
        if is_unknown(argument):
            return Unknown("formatlist() of an unknown value")
        if isinstance(argument, list):
            if length is not None and len(argument) != length:
                raise FunctionError("all list arguments must have the same length")
            length = len(argument)
    if length is None:
        return [render(parts, list(args))]
    check_count(length)
    results, total = [], 0
    for index in range(length):
        row = [argument[index] if isinstance(argument, list) else argument for argument in args]
        result = render(parts, row)
        if isinstance(result, Unknown) and not isinstance(result, PartialText):
            result = Unknown("formatlist() of an unknown value")
        total += len(result) if isinstance(result, str) else 0
        check_length(total)
        results.append(result)
    return results


FUNCTIONS = {
    "format": lenient("format", _format, 1, None),
    "formatlist": lenient("formatlist", _formatlist, 1, None),
}
