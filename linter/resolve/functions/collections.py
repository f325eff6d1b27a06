"""Collection functions over lists (lists, tuples and sets) and maps (ConfigNodes).

Functions that Terraform can answer with unknown elements answer here too: `length`,
`concat`, `flatten`, `element`, `lookup`, `merge`... keep unknown elements as they are.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import Any

from linter.resolve.functions.base import (
    FunctionError,
    check_count,
    is_unknown,
    known,
    lenient,
    removed,
)
from linter.resolve.functions.conversions import (
    as_bool,
    as_integer,
    as_list,
    as_map,
    as_number,
    as_string,
    as_strings,
    from_decimal,
    to_decimal,
    type_name,
    unify,
    value_key,
)
from linter.resolve.functions.text import grapheme_count
from linter.values import ConfigNode, ResourceRef, Unknown

_RANGE_LIMIT = 1024  # Terraform's own: range() fails past 1,024 values


def _unknown(name: str) -> Unknown:
    return Unknown(f"{name}() of an unknown value")


def _length(value: Any) -> Any:
    if is_unknown(value):
        return _unknown("length")
    if isinstance(value, str):
        return grapheme_count(value)
    if isinstance(value, list):
        return len(value)
    if isinstance(value, ConfigNode):
        return len(value.values)
    if value is None:
        raise FunctionError("argument must not be null")
    raise FunctionError("argument must be a string, a collection type, or a structural type")


def _alltrue(items: Any) -> Any:
    if is_unknown(items):
        return _unknown("alltrue")
    for item in as_list(items):
        if is_unknown(item):
            return _unknown("alltrue")
        if item is None or not as_bool(item, "element"):
            return False
    return True


def _anytrue(items: Any) -> Any:
    if is_unknown(items):
        return _unknown("anytrue")
    pending = False
    for item in as_list(items):
        if is_unknown(item):
            pending = True
        elif item is not None and as_bool(item, "element"):
            return True
    return _unknown("anytrue") if pending else False


def _chunklist(items: Any, size: Any) -> Any:
    if is_unknown(items) or is_unknown(size):
        return _unknown("chunklist")
    elements, width = as_list(items), as_integer(size, "size")
    if width < 0:
        raise FunctionError("the size argument must be positive")
    if not elements:
        return []
    if width == 0:
        return [list(elements)]
    return [elements[start:start + width] for start in range(0, len(elements), width)]


def _coalesce(*values: Any) -> Any:
    if not values:
        raise FunctionError("at least one argument is required")
    kinds = {type_name(value) for value in values if value is not None and not is_unknown(value)}
    as_text = "string" in kinds and kinds <= {"string", "number", "bool"}
    last = len(values) - 1
    for position, value in enumerate(values):
        if isinstance(value, ResourceRef) and position == last:
            return value  # the only candidate left: its value, or Terraform's own error
        if is_unknown(value):
            return _unknown("coalesce")
        if value is None:
            continue
        if as_text:
            value = as_string(value)
        if value != "":
            return value
    raise FunctionError("no non-null, non-empty-string arguments")


def _coalescelist(*lists: Any) -> Any:
    if not lists:
        raise FunctionError("at least one argument is required")
    for value in lists:
        if is_unknown(value):
            return _unknown("coalescelist")
        if value is None:
            continue
        if as_list(value, "every argument"):
            return value
    raise FunctionError("no non-null arguments")


def _compact(items: Any) -> Any:
    if is_unknown(items):
        return _unknown("compact")
    return [item if is_unknown(item) else as_string(item, "element")
            for item in as_list(items) if item is not None and item != ""]


def _concat(*lists: Any) -> Any:
    if not lists:
        raise FunctionError("at least one argument is required")
    out: list[Any] = []
    for value in lists:
        if is_unknown(value):
            return _unknown("concat")
        out.extend(as_list(value, "every argument"))
        check_count(len(out))
    return out


def _contains(items: Any, value: Any) -> Any:
    if is_unknown(items):
        return _unknown("contains")
    elements = as_list(items)
    if not elements:
        return False
    if is_unknown(value):
        return _unknown("contains")
    wanted, pending = value_key(value), False
    for item in elements:
        if is_unknown(item):
            pending = True
        elif value_key(item) == wanted:
            return True
    return _unknown("contains") if pending else False


def _distinct(items: Any) -> list[Any]:
    unique: dict[Any, Any] = {}
    for item in unify(as_list(items)):
        unique.setdefault(value_key(item), item)
    return list(unique.values())


def _element(items: Any, index: Any) -> Any:
    if is_unknown(index):
        return _unknown("element")
    position = as_integer(index, "index")
    if is_unknown(items):
        return _unknown("element")
    elements = as_list(items)
    if not elements:
        raise FunctionError("cannot use element function with an empty list")
    return elements[position % len(elements)]


def _flatten(items: Any) -> Any:
    if is_unknown(items):
        return _unknown("flatten")
    out: list[Any] = []
    # An explicit stack of iterators: nesting depth costs memory, never the call stack.
    stack = [iter(as_list(items))]
    while stack:
        item = next(stack[-1], _END)
        if item is _END:
            stack.pop()
        elif isinstance(item, list):
            stack.append(iter(item))
        else:
            out.append(item)
            check_count(len(out))
    return out


_END = object()


def _index(items: Any, value: Any) -> Any:
    if is_unknown(items):
        return _unknown("index")
    elements = as_list(items)
    if not elements:
        raise FunctionError("cannot search an empty list")
    if is_unknown(value):
        return _unknown("index")
    wanted = value_key(value)
    for position, item in enumerate(elements):
        if is_unknown(item):
            return _unknown("index")
        if value_key(item) == wanted:
            return position
    raise FunctionError("item not found")


def _keys(mapping: Any) -> Any:
    if is_unknown(mapping):
        return _unknown("keys")
    return sorted(as_map(mapping).values)


def _values(mapping: Any) -> Any:
    if is_unknown(mapping):
        return _unknown("values")
    node = as_map(mapping)
    return [node.get(key) for key in sorted(node.values)]


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    # The default stands in for a missing key, not for a map or key nobody can know.
    if is_unknown(mapping) or is_unknown(key):
        return _unknown("lookup")
    node, name = as_map(mapping, "the first argument"), as_string(key, "key")
    if name in node.values:
        return node.get(name)
    if default:
        return default[0]
    raise FunctionError(f"the map has no key {name!r} and no default is given")


def _matchkeys(values: Any, keys: Any, searchset: Any) -> Any:
    for argument in (values, keys, searchset):
        if is_unknown(argument):
            return _unknown("matchkeys")
    elements, names, wanted = as_list(values), as_list(keys), as_list(searchset)
    if len(elements) != len(names):
        raise FunctionError("length of keys and values should be equal")
    if not wanted:
        return []
    if any(is_unknown(item) for item in names + wanted):
        return _unknown("matchkeys")
    unified = unify(names + wanted)
    search = {value_key(item) for item in unified[len(names):]}
    return [element for element, name in zip(elements, unified[:len(names)])
            if value_key(name) in search]


def _merge(*mappings: Any) -> Any:
    line = next((mapping.line for mapping in mappings if isinstance(mapping, ConfigNode)), 0)
    merged = ConfigNode(line)
    for mapping in mappings:
        if is_unknown(mapping):
            return _unknown("merge")
        if mapping is None:
            continue
        node = as_map(mapping, "every argument")
        for key, value in node.items():
            merged.set(key, value, node.line_of(key))
    return merged


def _one(items: Any) -> Any:
    if is_unknown(items):
        return _unknown("one")
    elements = as_list(items)
    if len(elements) > 1:
        raise FunctionError("must be a list, set, or tuple value with either zero or one elements")
    return elements[0] if elements else None


def _range(*bounds: Any) -> list[int | float]:
    if not 1 <= len(bounds) <= 3:
        raise FunctionError("must have one, two, or three arguments")
    numbers = [to_decimal(as_number(bound)) for bound in bounds]
    if len(numbers) == 1:
        numbers.insert(0, Decimal(0))
    start, limit = numbers[0], numbers[1]
    step = numbers[2] if len(numbers) == 3 else Decimal(-1 if limit < start else 1)
    if step == 0:
        raise FunctionError("step must not be zero")
    if (step < 0 and limit > start) or (step > 0 and limit < start):
        raise FunctionError("end must be on the far side of start in the step's direction")
    count = max(0, ((limit - start) / step).to_integral_value(rounding=ROUND_CEILING))
    if count > _RANGE_LIMIT:
        raise FunctionError(f"more than {_RANGE_LIMIT} values would be generated "
                            "(Terraform's limit for range)")
    # Decimal steps: range(1, 2, 0.3) is 1, 1.3, 1.6, 1.9 as in Terraform, not 1.9000000000000001.
    return [from_decimal(start + step * index) for index in range(int(count))]


def _reverse(items: Any) -> Any:
    if is_unknown(items):
        return _unknown("reverse")
    return list(reversed(as_list(items)))


def _slice(items: Any, start: Any, end: Any) -> Any:
    if is_unknown(start) or is_unknown(end):
        return _unknown("slice")
    first, last = as_integer(start, "start index"), as_integer(end, "end index")
    if first < 0 or last < 0:
        raise FunctionError("an index must not be less than zero")
    if first > last:
        raise FunctionError("start index must not be greater than end index")
    if is_unknown(items):
        return _unknown("slice")
    elements = as_list(items)
    if last > len(elements):
        raise FunctionError("end index must not be greater than the length of the list")
    return elements[first:last]


def _sort(items: Any) -> list[str]:
    return sorted(as_strings(items, "list"))


def _sum(items: Any) -> int | float:
    elements = as_list(items)
    if not elements:
        raise FunctionError("cannot sum an empty list")
    total = sum((to_decimal(as_number(item, "element")) for item in elements), Decimal(0))
    return from_decimal(total)


def _transpose(mapping: Any) -> ConfigNode:
    node = as_map(mapping)
    grouped: dict[str, list[str]] = {}
    for key, items in node.items():
        for item in as_strings(items, f"the list at key {key!r}"):
            grouped.setdefault(item, []).append(key)
    result = ConfigNode(node.line, node.end_line)
    for key in sorted(grouped):
        result.set(key, sorted(grouped[key]), node.line)
    return result


def _zipmap(keys: Any, values: Any) -> Any:
    if is_unknown(keys) or is_unknown(values):
        return _unknown("zipmap")
    names, elements = as_list(keys), as_list(values)
    if any(is_unknown(name) for name in names):
        return _unknown("zipmap")
    if len(names) != len(elements):
        raise FunctionError(f"number of keys ({len(names)}) does not match number of "
                            f"values ({len(elements)})")
    result = ConfigNode(0)
    for name, element in zip(as_strings(names, "keys"), elements):
        result.set(name, element, 0)
    return result


FUNCTIONS = {
    "alltrue": lenient("alltrue", _alltrue, 1),
    "anytrue": lenient("anytrue", _anytrue, 1),
    "chunklist": lenient("chunklist", _chunklist, 2),
    "coalesce": lenient("coalesce", _coalesce, 0, None),
    "coalescelist": lenient("coalescelist", _coalescelist, 0, None),
    "compact": lenient("compact", _compact, 1),
    "concat": lenient("concat", _concat, 0, None),
    "contains": lenient("contains", _contains, 2),
    "distinct": known("distinct", _distinct, 1),
    "element": lenient("element", _element, 2),
    "flatten": lenient("flatten", _flatten, 1),
    "index": lenient("index", _index, 2),
    "keys": lenient("keys", _keys, 1),
    "length": lenient("length", _length, 1),
    "list": removed("list", "was removed in Terraform 0.12; use tolist([...])"),
    "lookup": lenient("lookup", _lookup, 2, 3),
    "map": removed("map", "was removed in Terraform 0.12; use tomap({...})"),
    "matchkeys": lenient("matchkeys", _matchkeys, 3),
    "merge": lenient("merge", _merge, 0, None),
    "one": lenient("one", _one, 1),
    "range": known("range", _range, 1, 3),
    "reverse": lenient("reverse", _reverse, 1),
    "slice": lenient("slice", _slice, 3),
    "sort": known("sort", _sort, 1),
    "sum": known("sum", _sum, 1),
    "transpose": known("transpose", _transpose, 1),
    "values": lenient("values", _values, 1),
    "zipmap": lenient("zipmap", _zipmap, 2),
}
