"""Type conversion functions. `can` and `try` are the evaluator's: they see expressions,
not values. Sensitivity is not tracked, so `sensitive`/`nonsensitive` pass values through."""

from __future__ import annotations

from typing import Any

from linter.resolve.functions.base import (
    FunctionError,
    is_unknown,
    known,
    lenient,
    not_evaluated,
)
from linter.resolve.functions.conversions import as_bool, as_number, as_string, type_name, unify
from linter.resolve.functions.sets import set_order
from linter.values import ConfigNode, Unknown


def _nullable(convert: Any) -> Any:
    return lambda value: None if value is None else convert(value)


def _unify_known(items: list[Any]) -> list[Any]:
    """`unify` over the known elements; unknown ones stay where they are."""
    known_items = [item for item in items if not is_unknown(item)]
    unified = iter(unify(known_items))
    return [item if is_unknown(item) else next(unified) for item in items]


def _tolist(value: Any) -> Any:
    if value is None:
        return None
    if is_unknown(value):
        return Unknown("tolist() of an unknown value")
    if not isinstance(value, list):
        raise FunctionError(f"cannot convert a {type_name(value)} to a list")
    return _unify_known(value)


def _toset(value: Any) -> list[Any] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise FunctionError(f"cannot convert a {type_name(value)} to a set")
    return set_order(value)


def _tomap(value: Any) -> Any:
    if value is None:
        return None
    if is_unknown(value):
        return Unknown("tomap() of an unknown value")
    if not isinstance(value, ConfigNode):
        raise FunctionError(f"cannot convert a {type_name(value)} to a map")
    keys = value.keys()
    converted = _unify_known([value.get(key) for key in keys])
    node = ConfigNode(value.line, value.end_line)
    for key, item in zip(keys, converted):
        node.set(key, item, value.line_of(key))
    return node


def _identity(value: Any) -> Any:
    return value


FUNCTIONS = {
    "tobool": known("tobool", _nullable(as_bool), 1),
    "tonumber": known("tonumber", _nullable(as_number), 1),
    "tostring": known("tostring", _nullable(as_string), 1),
    "tolist": lenient("tolist", _tolist, 1),
    "toset": known("toset", _toset, 1),
    "tomap": lenient("tomap", _tomap, 1),
    "sensitive": lenient("sensitive", _identity, 1),
    "nonsensitive": lenient("nonsensitive", _identity, 1),
    "issensitive": not_evaluated("issensitive", "needs sensitivity, which is not tracked"),
    "ephemeralasnull": not_evaluated(
        "ephemeralasnull", "needs to know which values are ephemeral, which is not tracked"),
    "type": not_evaluated("type", "is only available in terraform console"),
    "convert": not_evaluated("convert", "takes a type constraint, which is not evaluated"),
}
