"""The Terraform built-in functions that matter for encryption settings.

Each takes already-evaluated arguments. A function given an unknown argument, or one
not listed here, yields Unknown: the rules then report UNKNOWN instead of guessing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from linter.values import ConfigNode, PartialText, Unknown, is_known, skeleton


class _NotEvaluated(Exception):
    pass


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise _NotEvaluated


def _tobool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise _NotEvaluated


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    # The default stands in for a missing key, not for a map or key nobody can know.
    if not is_known(mapping) or not is_known(key):
        raise _NotEvaluated
    if isinstance(mapping, ConfigNode) and key in mapping:
        return mapping.get(key)
    if default:
        return default[0]
    raise _NotEvaluated


def _coalesce(*values: Any) -> Any:
    for value in values:
        if not is_known(value):
            raise _NotEvaluated
        if value is not None and value != "":
            return value
    raise _NotEvaluated


def _merge(*mappings: Any) -> ConfigNode:
    merged = ConfigNode(mappings[0].line if mappings and isinstance(mappings[0], ConfigNode) else 0)
    for mapping in mappings:
        if not isinstance(mapping, ConfigNode):
            raise _NotEvaluated
        for key, value in mapping.items():
            merged.set(key, value, mapping.line_of(key))
    return merged


def _concat(*lists: Any) -> list[Any]:
    out: list[Any] = []
    for item in lists:
        if not isinstance(item, list):
            raise _NotEvaluated
        out.extend(item)
    return out


def _format(spec: Any, *args: Any) -> str:
    if not isinstance(spec, str):
        raise _NotEvaluated
    text = spec.replace("%%", "\0")
    for arg in args:
        for verb in ("%s", "%d", "%v", "%q"):
            if verb in text:
                text = text.replace(verb, _text(arg), 1)
                break
    return text.replace("\0", "%")


def jsonencode(value: Any) -> Any:
    """JSON text; unknown leaves become `${...}` placeholders inside a PartialText."""
    complete = is_known(value)
    text = json.dumps(skeleton(value), separators=(",", ":"))
    return text if complete else PartialText("jsonencode() of partly unknown values", text)


def _jsondecode(text: Any) -> Any:
    if not isinstance(text, str):
        raise _NotEvaluated
    try:
        return json.loads(text)
    except ValueError:
        raise _NotEvaluated from None


def _length(value: Any) -> int:
    if isinstance(value, (list, str)):
        return len(value)
    if isinstance(value, ConfigNode):
        return len(value.keys())
    raise _NotEvaluated


def _contains(collection: Any, value: Any) -> bool:
    if isinstance(collection, list) and is_known(collection) and is_known(value):
        return value in collection
    raise _NotEvaluated


def _join(separator: Any, items: Any) -> str:
    if not isinstance(items, list):
        raise _NotEvaluated
    return _text(separator).join(_text(item) for item in items)


def _element(items: Any, index: Any) -> Any:
    if isinstance(items, list) and items and isinstance(index, int):
        return items[index % len(items)]
    raise _NotEvaluated


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "lower": lambda value: _text(value).lower(),
    "upper": lambda value: _text(value).upper(),
    "tostring": _text,
    "tobool": _tobool,
    "tonumber": lambda value: value if isinstance(value, (int, float)) else float(_text(value)),
    "tolist": lambda value: list(value) if isinstance(value, list) else _raise(),
    "toset": lambda value: list(dict.fromkeys(value)) if isinstance(value, list) else _raise(),
    "lookup": _lookup,
    "coalesce": _coalesce,
    "merge": _merge,
    "concat": _concat,
    "format": _format,
    "jsonencode": jsonencode,
    "jsondecode": _jsondecode,
    "length": _length,
    "contains": _contains,
    "join": _join,
    "element": _element,
    "compact": lambda items: [item for item in items if item not in (None, "")]
    if isinstance(items, list) else _raise(),
}


def _raise() -> Any:
    raise _NotEvaluated


# Functions that see unknown arguments themselves (the rest get Unknown when any is).
_ACCEPTS_UNKNOWN = {"jsonencode", "coalesce", "lookup", "merge"}


def call(name: str, args: list[Any]) -> Any:
    function = FUNCTIONS.get(name)
    if function is None:
        return Unknown(f"function {name}() is not evaluated")
    if name not in _ACCEPTS_UNKNOWN and not all(is_known(arg) for arg in args):
        return Unknown(f"{name}() of an unknown value")
    try:
        return function(*args)
    except (_NotEvaluated, TypeError, ValueError, IndexError, KeyError):
        return Unknown(f"{name}() could not be evaluated statically")

