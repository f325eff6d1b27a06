"""Reading model Fields out of resolved configuration, the same way for every format."""

from __future__ import annotations

from typing import Any

from linter.models.base import Field, FieldState
from linter.tables import default_for, enumeration_for
from linter.values import Branches, ConfigNode, MarkedList, PartialText, ResourceRef, Unknown


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
    (CloudFormation properties are shown as `Properties.X`). An empty string is not set
    (a key id of "" names no key: the Terraform provider treats it as left out), and an
    enumerated setting is read in its documented spelling (tables/enumerations.yaml).
    """
    shown = attribute or path
    value, line, found = lookup(node, path)
    blank = found and is_blank(value)
    if not found or value is None or blank:
        # Written empty: the finding still points at the line that wrote it.
        where = line if blank else None
        has_default, default, note = default_for(source_type, path)
        if has_default:
            return Field(default, FieldState.DEFAULT, shown, where, note)
        return Field(None, FieldState.ABSENT, shown, where,
                     "written as an empty string, which sets nothing" if blank else "")
    if isinstance(value, Branches):  # `var.x ? aws_kms_key.k.arn : ""`: one branch sets none
        value = Branches(tuple(None if is_blank(option) else option
                               for option in value.options), value.labels)
    spelling = enumeration_for(source_type, path)
    if spelling is not None:
        value = canonical(value, spelling)
    return value_field(value, shown, line)


def is_blank(value: Any) -> bool:
    """An empty (or all-whitespace) string: a setting written but naming nothing."""
    return isinstance(value, str) and not value.strip()


def canonical(value: Any, spelling: str | tuple[str, ...]) -> Any:
    """An enumerated value in its documented spelling ("lower", "upper", or one of the
    documented values compared without case); anything else unchanged. Lists (a set of
    protocols) and conditional choices are rewritten item by item."""
    if isinstance(value, str):
        if spelling == "upper":
            return value.upper()
        if spelling == "lower":
            return value.lower()
        return next((documented for documented in spelling
                     if documented.casefold() == value.casefold()), value)
    if isinstance(value, Branches):
        return Branches(tuple(canonical(option, spelling) for option in value.options),
                        value.labels)
    if isinstance(value, list):
        items = MarkedList(getattr(value, "line", 0))
        lines = getattr(value, "lines", None) or [items.line] * len(value)
        for item, line in zip(value, lines):
            items.add(canonical(item, spelling), line)
        return items
    return value


def same_text(value: Any, expected: str) -> bool:
    """`value` is the string `expected`, whatever its case (enumerations AWS reads
    without case, compared where adapters read raw configuration)."""
    return isinstance(value, str) and value.casefold() == expected.casefold()


def value_field(value: Any, attribute: str, line: int | None) -> Field:
    if isinstance(value, PartialText):
        # Still UNKNOWN, but the known text is kept: a rule asking only whether the
        # setting names something can decide from it (conditions.py, `exists`).
        return Field(value, FieldState.UNKNOWN, attribute, line, value.reason)
    if isinstance(value, Unknown):
        return Field(None, FieldState.UNKNOWN, attribute, line, value.reason)
    if isinstance(value, Branches):
        return Field(value, FieldState.SET, attribute, line)
    return Field(value, FieldState.SET, attribute, line)


def as_bool(field: Field) -> Field:
    """Booleans written as strings ("true") — common in CloudFormation and launch templates.

    A value of another type (a list, a mapping, a number, other text, a reference to
    another resource) is UNKNOWN with the reason: Terraform and CloudFormation refuse
    it, and a rule must neither pass nor crash on it.
    """
    value = field.value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return Field(value.lower() == "true", field.state, field.attribute, field.line,
                     field.reason)
    if isinstance(value, Branches):
        options = tuple(option.lower() == "true" if isinstance(option, str)
                        and option.lower() in ("true", "false") else option
                        for option in value.options)
        return Field(Branches(options, value.labels), field.state, field.attribute, field.line)
    if value is None or isinstance(value, bool) or field.state is FieldState.UNKNOWN:
        return field
    return Field(None, FieldState.UNKNOWN, field.attribute, field.line,
                 f"{describe_type(value)} where true or false is expected")


def describe_type(value: Any) -> str:
    """What a value of an unexpected type is, in words; never the value itself (it may
    be a secret)."""
    if isinstance(value, ResourceRef):
        return f"a reference to {value}, known only when deployed"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, ConfigNode):
        return "a mapping"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "text"
    return "a value of another type"


def blocks(node: ConfigNode | None, path: str) -> list[tuple[ConfigNode, int]]:
    """Every item (with its line) of a repeated block or list of objects at `path`."""
    if not isinstance(node, ConfigNode):  # a scanned file may put anything here
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
