"""YAML and JSON documents with the source line of every key, loaded safely.

PyYAML composes nodes (libyaml's C composer when available) and this module turns them
into ConfigNodes itself, so nothing is ever constructed from a tag: CloudFormation's
short forms (`!Ref X`) become their long forms (`{"Ref": "X"}`) as plain data, and any
other tag is kept as a string. Three guards keep hostile files from hurting the scan:
nesting depth is measured on libyaml's event stream before composing (the C composer
recurses and crashes the process on very deep documents), alias expansion is capped
by the document's own size (a billion-laughs file expands far beyond it), and
recursive aliases are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from linter.values import ConfigNode, MarkedList

try:  # libyaml is ~10x faster; the pure-Python loader gives the same nodes
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader  # type: ignore[assignment]

MAX_DEPTH = 200
# Below this many opening brackets a document cannot nest deep enough to matter:
# block-style nesting needs an indentation step per level, which the size cap bounds.
_DEPTH_CHECK_BRACKETS = 1000

_CFN_TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
}


class DocumentError(ValueError):
    """A document that cannot be loaded; the message is the reason shown to the user."""


@dataclass(frozen=True)
class DuplicateKey:
    """A mapping key written twice: YAML and JSON loaders keep only the last value, so
    whoever decides the document's format decides whether that is an error."""

    document: int  # index in load_documents' result
    key: str
    first_line: int
    line: int


def load_documents(text: str, *, json_mode: bool = False,
                   duplicates: list[DuplicateKey] | None = None) -> list[Any]:
    """Load every document of a YAML stream (or one JSON document) with line marks.

    Keys written twice in one mapping are appended to `duplicates` when it is given.
    """
    if json_mode:
        # JSON is YAML's flow style, except that YAML forbids tabs where JSON allows them
        # as whitespace. A raw tab is invalid inside a JSON string, so replacing tabs
        # changes only whitespace.
        text = text.replace("\t", " ")
    language = "JSON" if json_mode else "YAML"
    _check_depth(text, language)
    try:
        nodes = list(yaml.compose_all(text, Loader=SafeLoader))
    except yaml.MarkedYAMLError as error:
        raise DocumentError(_describe_yaml_error(error, language)) from None
    except yaml.YAMLError:
        raise DocumentError(f"invalid {language}") from None
    # Expansion through aliases beyond the document's own size is a billion-laughs file.
    budget = _Budget(len(text) + 10_000)
    documents = []
    for node in nodes:
        if node is not None:
            budget.document = len(documents)
            documents.append(_convert(node, budget, 0, frozenset()))
    if duplicates is not None:
        duplicates.extend(budget.duplicates)
    return documents


def _check_depth(text: str, language: str) -> None:
    if text.count("[") + text.count("{") < _DEPTH_CHECK_BRACKETS:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=SafeLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else 0
                    raise DocumentError(f"nesting deeper than {MAX_DEPTH} levels (line {line})")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        raise DocumentError(_describe_yaml_error(error, language)) from None


def _describe_yaml_error(error: yaml.MarkedYAMLError, language: str) -> str:
    mark = error.problem_mark or error.context_mark
    if "nesting depth" in (error.problem or ""):
        # libyaml 0.2.5+ (PyYAML >= 6.0.4 wheels) stops deep nesting itself, sometimes
        # before our own depth check sees the events: same finding, same words.
        return f"nesting deeper than {MAX_DEPTH} levels (line {mark.line + 1 if mark else 0})"
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = error.problem or error.context or "syntax error"
    return f"invalid {language}: {where}{problem}"


class _Budget:
    """What converting one stream may spend, and the duplicate keys it met on the way."""

    __slots__ = ("remaining", "document", "duplicates")

    def __init__(self, nodes: int) -> None:
        self.remaining = nodes
        self.document = 0
        self.duplicates: list[DuplicateKey] = []

    def spend(self) -> None:
        self.remaining -= 1
        if self.remaining < 0:
            raise DocumentError(
                "alias expansion far exceeds the document's size (a YAML alias bomb?)"
            )


def _convert(node: yaml.Node, budget: _Budget, depth: int, active: frozenset[int]) -> Any:
    budget.spend()
    if depth > MAX_DEPTH:
        raise DocumentError(f"nesting deeper than {MAX_DEPTH} levels")
    line = node.start_mark.line + 1
    if id(node) in active:
        raise DocumentError(f"recursive alias at line {line}")
    tag = node.tag or ""
    if isinstance(node, yaml.ScalarNode):
        value = _scalar(node)
        if tag.startswith("!") and not tag.startswith("!!"):
            return _intrinsic(tag, value, line)
        return value
    inner = active | {id(node)}
    if isinstance(node, yaml.SequenceNode):
        items = MarkedList(line)
        for child in node.value:
            items.add(_convert(child, budget, depth + 1, inner), child.start_mark.line + 1)
        if tag.startswith("!") and not tag.startswith("!!"):
            return _intrinsic(tag, items, line)
        return items
    mapping = ConfigNode(line, _last_line(node))
    written: dict[str, int] = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            _merge(mapping, _convert(value_node, budget, depth + 1, inner))
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            raise DocumentError(f"complex mapping key at line {key_node.start_mark.line + 1}")
        # Keys keep their written text: `on:` is a key named "on", not the boolean true.
        key = key_node.value
        key_line = key_node.start_mark.line + 1
        if key in written:  # a key merged in with `<<` may be overridden: not a duplicate
            budget.duplicates.append(DuplicateKey(budget.document, key, written[key], key_line))
        written[key] = key_line
        mapping.set(key, _convert(value_node, budget, depth + 1, inner), key_line)
    if tag.startswith("!") and not tag.startswith("!!"):
        return _intrinsic(tag, mapping, line)
    return mapping


def _last_line(node: yaml.Node) -> int:
    """The last line a node's own text is on.

    PyYAML's end mark for a block collection is the start of the next token, which may
    be the next sibling key several lines (and comments) later; a finding's region must
    not run into the next resource.
    """
    for _ in range(MAX_DEPTH + 1):
        if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False) \
                or not node.value:
            mark = node.end_mark
            return mark.line + 1 if mark.column > 0 else max(mark.line, 1)
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node.end_mark.line + 1


def _merge(target: ConfigNode, source: Any) -> None:
    sources = source if isinstance(source, list) else [source]
    for item in sources:
        if isinstance(item, ConfigNode):
            for key, value in item.items():
                if key not in target:
                    target.set(key, value, item.line_of(key))


_BOOL = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def _scalar(node: yaml.ScalarNode) -> Any:
    value = node.value
    tag = node.tag
    if tag == "tag:yaml.org,2002:str" or node.style in ("'", '"', "|", ">"):
        return value
    if tag == "tag:yaml.org,2002:int":
        text = value.replace("_", "")
        try:
            return int(text, 0)
        except ValueError:
            try:  # YAML 1.1 octal: 0755
                return int(text, 8)
            except ValueError:
                return value  # sexagesimal and other rarities stay text
    if tag == "tag:yaml.org,2002:float":
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    if tag == "tag:yaml.org,2002:bool":
        return _BOOL.get(value.lower(), value)
    if tag == "tag:yaml.org,2002:null":
        return None
    return value  # timestamps, binary and custom tags stay text: nothing is constructed


def _intrinsic(tag: str, value: Any, line: int) -> ConfigNode:
    """CloudFormation short form `!Name value` as its long form `{"Fn::Name": value}`."""
    name = tag[1:]
    if tag in _CFN_TAGS:
        key = _CFN_TAGS[tag]
    else:
        key = f"Fn::{name}"
        if name == "GetAtt" and isinstance(value, str):
            # `!GetAtt Resource.Attribute` splits at the first dot only: attribute names
            # such as `Endpoint.Address` contain dots of their own.
            resource, _, attribute = value.partition(".")
            items = MarkedList(line)
            items.add(resource, line)
            items.add(attribute, line)
            value = items
    node = ConfigNode(line)
    node.set(key, value, line)
    return node
