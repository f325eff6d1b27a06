"""Set functions. Sets are lists here: deduplicated, in Terraform's set order."""

from __future__ import annotations

import itertools
import math
from typing import Any

from linter.resolve.functions.base import FunctionError, check_count, known
from linter.resolve.functions.conversions import as_list, type_name, unify, value_key


def set_order(items: list[Any]) -> list[Any]:
    """Elements deduplicated in Terraform's set order: strings lexically, numbers by
    value, false before true; anything else keeps the order first seen."""
    unique: dict[Any, Any] = {}
    for item in unify(items):
        unique.setdefault(value_key(item), item)
    values = list(unique.values())
    kinds = {type_name(item) for item in values}
    if kinds in ({"string"}, {"number"}, {"bool"}):
        return sorted(values)
    return values


def _setunion(*sets: Any) -> list[Any]:
    if not sets:
        raise FunctionError("at least one argument is required")
    return set_order([item for value in sets for item in as_list(value, "every argument")])


def _common(sets: tuple[Any, ...]) -> tuple[list[Any], list[set[Any]]]:
    """The first set's elements and the key sets of the others, unified together."""
    lists = [as_list(value, "every argument") for value in sets]
    unified = unify([item for items in lists for item in items])
    start, keys = len(lists[0]), []
    for items in lists[1:]:
        keys.append({value_key(item) for item in unified[start:start + len(items)]})
        start += len(items)
    return unified[:len(lists[0])], keys


def _setintersection(*sets: Any) -> list[Any]:
    if not sets:
        raise FunctionError("at least one argument is required")
    first, others = _common(sets)
    return set_order([item for item in first
                      if all(value_key(item) in keys for keys in others)])


def _setsubtract(first: Any, second: Any) -> list[Any]:
    items, [removed] = _common((first, second))
    return set_order([item for item in items if value_key(item) not in removed])


def _setproduct(*sets: Any) -> list[list[Any]]:
    if len(sets) < 2:
        raise FunctionError("at least two arguments are required")
    lists = [as_list(value, "every argument") for value in sets]
    check_count(math.prod(len(items) for items in lists), "combinations")
    return [list(combination) for combination in itertools.product(*lists)]


FUNCTIONS = {
    "setintersection": known("setintersection", _setintersection, 1, None),
    "setproduct": known("setproduct", _setproduct, 2, None),
    "setsubtract": known("setsubtract", _setsubtract, 2),
    "setunion": known("setunion", _setunion, 1, None),
}
