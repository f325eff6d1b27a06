"""JSON text as `json.dumps(value, indent=2)` writes it, byte for byte, without its
encoder's cost.

With `indent`, json's encoder runs in pure Python and yields every token separately
(about 85 pieces for one finding): on a 20,000-file scan the JSON report took longer to
write than the scan's own judging took in the parent. Here a record becomes one string,
its strings escaped by json's C escaper; tests hold the output to json.dumps.
"""

from __future__ import annotations

from json.encoder import encode_basestring_ascii  # the C escaper when available
from typing import Any

_INFINITY = float("inf")


def indented(value: Any, level: int = 0, indent: str = "  ") -> str:
    """`value` as json.dumps(value, indent=len(indent)) writes it, placed at nesting
    `level` (its inner lines indented by level + 1 steps, its closing bracket by level)."""
    parts: list[str] = []
    _append(value, level, indent, parts)
    return "".join(parts)


def _append(value: Any, level: int, indent: str, parts: list[str]) -> None:
    if isinstance(value, str):
        parts.append(encode_basestring_ascii(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(_float(value))
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = "\n" + indent * (level + 1)
        separator = "," + inner
        parts.append("{" + inner)
        first = True
        for key, item in value.items():
            if not first:
                parts.append(separator)
            first = False
            name = encode_basestring_ascii(key if type(key) is str else _key(key))
            # Most values are text: written here, without a call each.
            if type(item) is str:
                parts.append(name + ": " + encode_basestring_ascii(item))
            else:
                parts.append(name + ": ")
                _append(item, level + 1, indent, parts)
        parts.append("\n" + indent * level + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            parts.append("[]")
            return
        inner = "\n" + indent * (level + 1)
        separator = "," + inner
        parts.append("[" + inner)
        first = True
        for item in value:
            if not first:
                parts.append(separator)
            first = False
            if type(item) is str:
                parts.append(encode_basestring_ascii(item))
            else:
                _append(item, level + 1, indent, parts)
        parts.append("\n" + indent * level + "]")
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _key(key: Any) -> str:
    """A dict key as json writes it (json turns scalars into text; anything else is an
    error there too)."""
    if isinstance(key, str):
        return key
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float):
        return _float(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)
