"""Resolved configuration values, shared by every format.

Parsers and resolvers turn Terraform, CloudFormation and Kubernetes documents into
`ConfigNode` trees whose leaves are plain Python values or one of the markers below.
A marker says what static analysis could not flatten into a literal: a value nobody
can know (`Unknown`), a pointer at another resource of the scan (`ResourceRef`), or a
choice between values (`Branches`) from a conditional whose condition is not known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be known statically; `reason` says why (shown to the user)."""

    reason: str

    def __str__(self) -> str:
        return f"<unknown: {self.reason}>"


@dataclass(frozen=True)
class EvaluationError(Unknown):
    """An expression that would fail in Terraform itself (a missing attribute or index).

    Unlike a value nobody can know yet, this is what `try()` falls back from and what
    makes `can()` false.
    """


@dataclass(frozen=True)
class PartialText(Unknown):
    """A string with unknown parts; `text` shows them as `${...}` placeholders.

    Policy documents are full of interpolated ARNs; their statements can still be
    judged from the known skeleton (Effect, Principal, Condition).
    """

    text: str = ""


@dataclass(frozen=True)
class ResourceRef:
    """A reference to a resource (or data source) declared in the scanned configuration.

    `resource_type` is the source type (`aws_kms_key`, `AWS::KMS::Key`, `data.aws_kms_alias`),
    `name` its Terraform name or CloudFormation logical id, `attribute` the attribute read
    from it (`arn`, `Arn`, or None for a plain `Ref`). `arguments` holds the referenced
    block's own resolved arguments when a rule needs to look through the reference
    (a data source's `name`, an alias resource's `target_key_id`).
    """

    resource_type: str
    name: str
    attribute: str | None = None
    arguments: Any = field(default=None, compare=False, hash=False)

    def __str__(self) -> str:
        text = f"{self.resource_type}.{self.name}"
        return f"{text}.{self.attribute}" if self.attribute else text


@dataclass(frozen=True)
class Branches:
    """The possible values of a conditional whose condition is unknown.

    Rules judge every branch: all compliant passes, any non-compliant fails and names
    the branch, otherwise the outcome is unknown.
    """

    options: tuple[Any, ...]
    labels: tuple[str, ...]

    def __str__(self) -> str:
        pairs = zip(self.labels, self.options)
        return " | ".join(f"{label}: {option!r}" for label, option in pairs)


class ConfigNode:
    """A mapping of resolved values that remembers the source line of every key.

    Terraform blocks and objects, CloudFormation mappings and Kubernetes objects all
    become ConfigNodes, so adapters read them the same way. Repeated Terraform blocks
    (`rule { }` twice) are a list of ConfigNodes under one key.
    """

    __slots__ = ("values", "lines", "line", "end_line")

    def __init__(self, line: int, end_line: int | None = None) -> None:
        self.values: dict[str, Any] = {}
        self.lines: dict[str, int] = {}
        self.line = line
        self.end_line = end_line if end_line is not None else line

    def set(self, key: str, value: Any, line: int) -> None:
        self.values[key] = value
        self.lines[key] = line

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def keys(self) -> list[str]:
        return list(self.values)

    def items(self) -> list[tuple[str, Any]]:
        return list(self.values.items())

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)

    def to_plain(self) -> dict[str, Any]:
        """The values without line marks (for policy documents and JSON output)."""
        return {key: plain(value) for key, value in self.values.items()}

    def __repr__(self) -> str:
        return f"ConfigNode(line={self.line}, {self.to_plain()!r})"


def plain(value: Any) -> Any:
    """Strip line marks from a resolved value, recursively."""
    if isinstance(value, ConfigNode):
        return value.to_plain()
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def is_known(value: Any) -> bool:
    """True when the value, and everything inside it, is known."""
    if isinstance(value, (Unknown, Branches)):
        return False
    if isinstance(value, ConfigNode):
        return all(is_known(item) for item in value.values.values())
    if isinstance(value, list):
        return all(is_known(item) for item in value)
    return True


def skeleton(value: Any) -> Any:
    """Plain values with unknown parts as `${...}` placeholder strings.

    For documents (policies) whose structure matters more than every leaf: an ARN built
    from the account id is still recognisably a principal.
    """
    if isinstance(value, ConfigNode):
        return {key: skeleton(item) for key, item in value.items()}
    if isinstance(value, list):
        return [skeleton(item) for item in value]
    if isinstance(value, PartialText):
        return value.text
    if isinstance(value, ResourceRef):
        return "${" + str(value) + "}"
    if isinstance(value, (Unknown, Branches)):
        return "${unknown}"
    return value


class MarkedList(list):  # type: ignore[type-arg]
    """A list that remembers the line of each item (YAML and JSON sequences: built by
    linter.parsers.yaml_source, read by every adapter, so kept here where a Terraform-only
    run need not import PyYAML to know it)."""

    __slots__ = ("lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.lines: list[int] = []
        self.line = line

    def add(self, value: Any, line: int) -> None:
        self.append(value)
        self.lines.append(line)


# Past this many bits an integer is no setting anyone writes, and Python refuses to turn
# one of more than 4,300 digits into text: the message quoting it would crash.
MAX_NUMBER_BITS = 1024


def bound_numbers(root: ConfigNode) -> None:
    """Integers too large to be a setting become Unknown, in place, before any rule
    reads them (a 4,300-digit `count` or port is a mistake or an attack, not a value)."""
    seen: set[int] = set()
    pending: list[Any] = [root]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConfigNode):
            values = current.values
            for key, value in values.items():
                kind = type(value)
                if kind is not str and kind is not bool and value is not None:
                    bounded = _bounded(value, pending)
                    if bounded is not value:
                        values[key] = bounded  # a key already there: not a resize
        elif isinstance(current, list):
            for index, value in enumerate(current):
                kind = type(value)
                if kind is not str and kind is not bool and value is not None:
                    bounded = _bounded(value, pending)
                    if bounded is not value:
                        current[index] = bounded


def _bounded(value: Any, pending: list[Any]) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) \
            and value.bit_length() > MAX_NUMBER_BITS:
        return Unknown(f"a number of more than {MAX_NUMBER_BITS} bits, larger than any "
                       "setting")
    if isinstance(value, Branches):
        options = tuple(_bounded(option, pending) for option in value.options)
        changed = any(new is not old for new, old in zip(options, value.options))
        return Branches(options, value.labels) if changed else value
    if isinstance(value, (ConfigNode, list)):
        pending.append(value)
    return value
