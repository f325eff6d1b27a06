"""JSON and YAML text in the exact form Terraform writes it, and decoded data as values.

Terraform's `jsonencode` is Go's encoding/json: object keys sorted, `<`, `>`, `&`,
U+2028 and U+2029 escaped, non-ASCII kept, numbers in positional notation. Its
`yamlencode` is go-cty-yaml: every string double-quoted (wrapped at spaces past column
80), multi-line strings as literal blocks, mappings sorted by key.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from linter.resolve.functions.base import MAX_ELEMENTS, FunctionError, NotEvaluated
from linter.resolve.functions.conversions import number_text
from linter.values import Branches, ConfigNode, PartialText, ResourceRef, Unknown

_JSON_SPECIAL = re.compile('[\x00-\x1f"\\\\<>&\u2028\u2029]')
_JSON_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
               "\b": "\\b", "\f": "\\f"}


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    return _JSON_SHORT.get(char) or f"\\u{ord(char):04x}"


def json_string(text: str) -> str:
    return '"' + _JSON_SPECIAL.sub(_json_escape, text) + '"'


def placeholder(value: Any) -> str:
    """The `${...}` text an unknown value shows inside a partly known document."""
    if isinstance(value, PartialText):
        return value.text
    if isinstance(value, ResourceRef):
        return "${" + str(value) + "}"
    return "${unknown}"


def json_text(value: Any) -> str:
    """Compact JSON; unknown parts become `${...}` placeholder strings."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, str):
        return json_string(value)
    if isinstance(value, list):
        return "[" + ",".join(json_text(item) for item in value) + "]"
    if isinstance(value, ConfigNode):
        return "{" + ",".join(json_string(key) + ":" + json_text(value.get(key))
                              for key in sorted(value.values)) + "}"
    if isinstance(value, (Unknown, Branches, ResourceRef)):
        return json_string(placeholder(value))
    raise FunctionError(f"a {type(value).__name__} cannot be encoded")


# --- YAML ------------------------------------------------------------------------------

_YAML_SHORT = {"\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v",
               "\f": "\\f", "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\",
               "\x85": "\\N", "\xa0": "\\_", "\u2028": "\\L", "\u2029": "\\P"}
_WRAP_COLUMN = 80  # libyaml's best_width


def _yaml_printable(char: str) -> bool:
    code = ord(char)
    return (char == "\n" or 0x20 <= code <= 0x7E or code == 0x85
            or (0xA0 <= code <= 0xD7FF) or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
            or code >= 0x10000)


def _yaml_escape(char: str) -> str:
    if char in _YAML_SHORT:
        return _YAML_SHORT[char]
    if _yaml_printable(char):
        return char
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _double_quoted(text: str, column: int, indent: int) -> str:
    """libyaml's double-quoted scalar: a space past column 80 becomes a line break."""
    out = ['"']
    column += 1
    previous_space = False
    last = len(text) - 1
    for index, char in enumerate(text):
        if char == " " and not previous_space and column > _WRAP_COLUMN and 0 < index < last:
            out.append("\n" + " " * indent)
            column = indent
            if text[index + 1] == " ":
                out.append("\\")
                column += 1
            previous_space = True
            continue
        piece = _yaml_escape(char)
        out.append(piece)
        column += len(piece)
        previous_space = char == " "
    out.append('"')
    return "".join(out)


def _literal_allowed(text: str) -> bool:
    if "\n" not in text or text.endswith(" ") or "\t" in text or " \n" in text:
        return False
    return all(_yaml_printable(char) for char in text) and "\ufeff" not in text


def _literal_block(text: str, indent: int) -> str:
    if text.endswith("\n\n") or text == "\n":
        chomp = "+"
    elif text.endswith("\n"):
        chomp = ""
    else:
        chomp = "-"
    indicator = "2" if text[0] in " \n" else ""
    body = text[:-1] if text.endswith("\n") else text
    lines = [(" " * indent + line) if line else "" for line in body.split("\n")]
    return f"|{indicator}{chomp}\n" + "\n".join(lines)


def _yaml_scalar(value: Any, column: int, indent: int) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, str):
        if _literal_allowed(value):
            return _literal_block(value, indent)
        return _double_quoted(value, column, indent)
    raise NotEvaluated("yamlencode() of an unknown value")


def _yaml_lines(value: Any, indent: int) -> list[str]:
    """Block lines for a non-empty list or map whose first line starts at `indent`."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, list):
        for item in value:
            lines.extend(_yaml_entry(pad + "- ", item, indent + 2, nested_list_indent=indent + 2))
        return lines
    for key in sorted(value.values):
        head = pad + _double_quoted(key, indent, indent + 2) + ":"
        lines.extend(_yaml_entry(head + " ", value.get(key), indent + 2,
                                 nested_list_indent=indent))
    return lines


def _yaml_entry(head: str, item: Any, indent: int, nested_list_indent: int) -> list[str]:
    if isinstance(item, (list, ConfigNode)) and (item.values if isinstance(item, ConfigNode)
                                                 else item):
        if head.endswith("- "):  # a collection inside a list starts on the dash's line
            inner = _yaml_lines(item, indent)
            return [head + inner[0][indent:]] + inner[1:]
        child_indent = nested_list_indent if isinstance(item, list) else indent
        return [head.rstrip()] + _yaml_lines(item, child_indent)
    if isinstance(item, list):
        return [head + "[]"]
    if isinstance(item, ConfigNode):
        return [head + "{}"]
    return [head + _yaml_scalar(item, len(head), indent)]


def yaml_text(value: Any) -> str:
    if value is None:
        return "null\n...\n"
    if isinstance(value, list) and not value:
        return "[]\n"
    if isinstance(value, ConfigNode) and not value.values:
        return "{}\n"
    if isinstance(value, (list, ConfigNode)):
        return "\n".join(_yaml_lines(value, 0)) + "\n"
    return _yaml_scalar(value, 0, 2) + "\n"


# --- decoded data -> values ------------------------------------------------------------

_MAX_NODES = MAX_ELEMENTS * 2  # values built from one decoded document

def _timestamp_text(value: datetime.date) -> str:
    if isinstance(value, datetime.datetime):
        offset = value.utcoffset()
        text = value.replace(tzinfo=None, microsecond=0).isoformat()
        if offset is None or not offset:
            return text + "Z"
        minutes = int(offset.total_seconds()) // 60
        sign = "+" if minutes >= 0 else "-"
        return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return value.isoformat() + "T00:00:00Z"


def to_values(data: Any, line: int) -> Any:
    """Decoded JSON/YAML data as values: dicts become ConfigNodes (at `line`).

    Iterative with a node budget: a YAML alias bomb expands shared references into
    exponentially many nodes, and deep nesting must not exhaust the stack.
    """
    budget = _MAX_NODES
    root: list[Any] = [None]
    pending: list[tuple[Any, Any, Any]] = [(data, root, 0)]
    while pending:
        item, parent, slot = pending.pop()
        budget -= 1
        if budget < 0:
            raise NotEvaluated(f"decoded document exceeds the {_MAX_NODES:,}-node limit")
        if isinstance(item, dict):
            node = ConfigNode(line)
            for key, child in item.items():
                name = key if isinstance(key, str) else _scalar_key(key)
                node.set(name, None, line)
                pending.append((child, node, name))
            converted: Any = node
        elif isinstance(item, list):
            converted = [None] * len(item)
            pending.extend((child, converted, index) for index, child in enumerate(item))
        elif isinstance(item, (datetime.date, datetime.datetime)):
            converted = _timestamp_text(item)
        elif isinstance(item, float) and (item != item or item in (float("inf"), float("-inf"))):
            raise NotEvaluated("an infinite or NaN number is not evaluated")
        elif isinstance(item, float) and item.is_integer() and abs(item) < 2**53:
            converted = int(item)
        elif item is None or isinstance(item, (bool, int, float, str)):
            converted = item
        else:
            raise FunctionError(f"a {type(item).__name__} value cannot be decoded")
        if isinstance(parent, ConfigNode):
            parent.set(slot, converted, line)
        else:
            parent[slot] = converted
    return root[0]


def _scalar_key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, (int, float)):
        return number_text(key)
    if key is None:
        return "null"
    raise FunctionError("a mapping key must be a string")
