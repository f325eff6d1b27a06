"""Reading model Fields out of resolved configuration, the same way for every format."""

from __future__ import annotations

from typing import Any

from linter.models.base import Field, FieldState
from linter.tables import default_for
from linter.values import Branches, ConfigNode, Unknown


def lookup(node: ConfigNode | None, path: str) -> tuple[Any, int | None, bool]:
    """(value, line, found) at a dotted path; repeated blocks are read at their first item."""
    value: Any = node
    line: int | None = None
    for key in path.split("."):
        if isinstance(value, list):
            if not value:
                return None, line, False
            value = value[0]
        if isinstance(value, Unknown):
            return value, line, True
        if not isinstance(value, ConfigNode) or key not in value:
            return None, line, False
        line = value.line_of(key)
        value = value.get(key)
    return value, line, True


def field_at(node: ConfigNode | None, path: str, source_type: str, *,
             attribute: str | None = None) -> Field:
    """The Field at `path`, with the provider default from tables/defaults when absent.

    `attribute` is the name shown to users when it differs from the lookup path
    (CloudFormation properties are shown as `Properties.X`).
    """
    shown = attribute or path
    value, line, found = lookup(node, path)
    if not found or value is None:
        has_default, default, note = default_for(source_type, path)
        if has_default:
            return Field(default, FieldState.DEFAULT, shown, None, note)
        return Field.absent(shown)
    return value_field(value, shown, line)


def value_field(value: Any, attribute: str, line: int | None) -> Field:
    if isinstance(value, Unknown):
        return Field(None, FieldState.UNKNOWN, attribute, line, value.reason)
    if isinstance(value, Branches):
        return Field(value, FieldState.SET, attribute, line)
    return Field(value, FieldState.SET, attribute, line)


def as_bool(field: Field) -> Field:
    """Booleans written as strings ("true") — common in CloudFormation and launch templates."""
    value = field.value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return Field(value.lower() == "true", field.state, field.attribute, field.line,
                     field.reason)
    if isinstance(value, Branches):
        options = tuple(option.lower() == "true" if isinstance(option, str)
                        and option.lower() in ("true", "false") else option
                        for option in value.options)
        return Field(Branches(options, value.labels), field.state, field.attribute, field.line)
    return field


def blocks(node: ConfigNode | None, path: str) -> list[tuple[ConfigNode, int]]:
    """Every item (with its line) of a repeated block or list of objects at `path`."""
    if node is None:
        return []
    value, line, found = lookup(node, path) if "." in path else (
        node.get(path), node.line_of(path), path in node)
    if not found or value is None:
        return []
    items = value if isinstance(value, list) else [value]
    found_items = []
    for index, item in enumerate(items):
        if isinstance(item, ConfigNode):
            item_lines = getattr(items, "lines", None)
            found_items.append((item, item_lines[index] if item_lines else item.line))
    return found_items
