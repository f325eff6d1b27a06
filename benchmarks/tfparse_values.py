"""Hold a value ephi-lint's evaluator resolved against the value tfparse evaluated.

tfparse is the Python binding of the Go HCL evaluator behind trivy's Terraform parser:
an independent implementation of Terraform's expression language. The two write the
same Terraform value differently; `normalise` is the one place that says how, so that
what `compare_values` reports is a disagreement about the value itself.

What tfparse returns, learnt by experiment (tfparse 0.6.22):
- a reference it cannot evaluate (a variable without a value, a module output, a data
  source attribute) is `{"__attribute__": "var.x", "__name__": "x", ...}`;
- an expression whose operands are unknown (a conditional, a function call, a list
  element) is `null`, so tfparse's `null` cannot be told from a literal `null`;
- every block has a random UUID `id` (which replaces an `id` argument written in the
  block), and a reference to a resource's `id`/`arn` (and most other computed
  attributes) is that UUID, alone or interpolated into a string; some it reads
  through as the provider would (an S3 bucket's `id` is its `bucket` argument);
- a nested block written once is a dict with `__tfmeta`, written several times a list.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from linter.values import Branches, ConfigNode, ResourceRef, Unknown, plain

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ABSENT = "<absent>"  # shown for an argument one side has and the other has not

@dataclass(frozen=True)
class Shape:
    """One level of a value in the form both sides share.

    kind: "unknown" (not a value: nothing to compare), "map" / "list" (children: the
    raw child values), "null", or "primitive" (key: the value as Terraform converts it
    to a string).
    """

    kind: str
    key: Any = None
    children: Any = None


def normalise(value: Any, side: str) -> Shape:
    """The shape of `value` (from `side`, "ephi-lint" or "tfparse") for comparison.

    Representation differences that are not disagreements:
    - numbers, booleans and strings compare as the string Terraform converts them to
      (1 and 1.0 are "1"; `"${var.flag}"` is the bool itself in HCL and the string
      "true" once Terraform converts it to a string argument; the provider schema, which
      neither side reads, decides the final type and converts either form);
    - a nested block: ephi-lint always has a list of blocks, tfparse a bare dict when the
      block is written once, so a block dict inside a map is read as a list of one;
    - tfparse's `__tfmeta` is bookkeeping, and its random block `id` (written over an
      `id` argument) is a value nobody knows;
    - references are pointers, not values: ephi-lint's ResourceRef and tfparse's block
      UUIDs (alone or inside a string: an ARN built from another resource's id) are not
      compared, since each side reads some through and keeps others (tfparse reads an
      S3 bucket's `id` as its name, ephi-lint keeps `x.id`/`x.arn` as references);
    - tfparse's unknown markers and its `null` are values nobody knows (see the module
      docstring); ephi-lint's `null` is a value.
    """
    if side == "ephi-lint":
        if isinstance(value, (Unknown, Branches, ResourceRef)):
            return Shape("unknown")
        if isinstance(value, ConfigNode):
            return Shape("map", children=dict(value.items()))
    else:
        if value is None:
            return Shape("unknown")
        if isinstance(value, dict):
            if "__attribute__" in value:
                return Shape("unknown")
            children = {key: ([item] if _is_block(item) else item)
                        for key, item in value.items() if key != "__tfmeta"}
            if _is_block(value) and "id" in children:
                children["id"] = None  # the block's own UUID, in place of any `id` argument
            return Shape("map", children=children)
        if isinstance(value, str) and UUID.search(value):
            return Shape("unknown")
    if value is None:
        return Shape("null")
    if isinstance(value, list):
        return Shape("list", children=list(value))
    return Shape("primitive", primitive_text(value))


def primitive_text(value: Any) -> str:
    """A primitive as Terraform's automatic conversion writes it as a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def _is_block(value: Any) -> bool:
    return isinstance(value, dict) and "__tfmeta" in value


def shown(value: Any, side: str) -> Any:
    """A value as the disagreement list shows it: plain JSON-like data."""
    if value is ABSENT:
        return ABSENT
    if side == "ephi-lint":
        return _shown_ephi(plain(value))
    if isinstance(value, dict):
        return {key: shown(item, side) for key, item in value.items()
                if key != "__tfmeta" and not (key == "id" and _is_block(value))}
    if isinstance(value, list):
        return [shown(item, side) for item in value]
    return value


def _shown_ephi(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _shown_ephi(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shown_ephi(item) for item in value]
    if isinstance(value, (Unknown, Branches, ResourceRef)):
        return str(value)
    return value


@dataclass(frozen=True)
class Difference:
    """One value the two evaluators disagree on, inside one resource."""

    attribute: str  # a path such as `rule[0].apply_server_side_encryption_by_default[0].x`
    ephi_lint: Any
    tfparse: Any
    line: int  # ephi-lint's line of the attribute (of the resource when it has none)


@dataclass
class Tally:
    # Paths of the values both sides know (primitives, nulls, empty collections, lists
    # of different lengths), agreeing or not.
    compared: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)


def compare_values(ours: Any, theirs: Any, attribute: str, line: int, tally: Tally) -> None:
    """Walk both values, counting every leaf both sides know and noting disagreements.

    A map's argument that only one side has is a disagreement when that side knows its
    value; lists are compared element by element when their lengths agree, and as a
    whole (one disagreement) when both are fully known and the lengths differ.
    """
    mine, yours = normalise(ours, "ephi-lint"), normalise(theirs, "tfparse")
    if "unknown" in (mine.kind, yours.kind):
        return
    if mine.kind == yours.kind == "map":
        lines = ours.lines if isinstance(ours, ConfigNode) else {}
        for key in sorted(set(mine.children) | set(yours.children)):
            child_line = lines.get(key, line)
            path = f"{attribute}.{key}" if attribute else key
            if key not in yours.children:
                _one_sided(mine.children[key], ABSENT, path, child_line, tally)
            elif key not in mine.children:
                _one_sided(ABSENT, yours.children[key], path, child_line, tally)
            else:
                compare_values(mine.children[key], yours.children[key], path, child_line,
                               tally)
        if not mine.children and not yours.children:
            tally.compared.append(attribute)
        return
    if mine.kind == yours.kind == "list":
        if len(mine.children) == len(yours.children):
            for index, (item, other) in enumerate(zip(mine.children, yours.children)):
                compare_values(item, other, f"{attribute}[{index}]", line, tally)
            if not mine.children:
                tally.compared.append(attribute)
            return
        if _fully_known(ours, "ephi-lint") and _fully_known(theirs, "tfparse"):
            tally.compared.append(attribute)
            _differ(ours, theirs, attribute, line, tally)
        return
    tally.compared.append(attribute)
    if mine != yours:
        _differ(ours, theirs, attribute, line, tally)


def _one_sided(ours: Any, theirs: Any, attribute: str, line: int, tally: Tally) -> None:
    present, side = (ours, "ephi-lint") if theirs is ABSENT else (theirs, "tfparse")
    if _fully_known(present, side):
        tally.compared.append(attribute)
        _differ(ours, theirs, attribute, line, tally)


def _fully_known(value: Any, side: str) -> bool:
    shape = normalise(value, side)
    if shape.kind == "unknown":
        return False
    if shape.kind == "map":
        return all(_fully_known(item, side) for item in shape.children.values())
    if shape.kind == "list":
        return all(_fully_known(item, side) for item in shape.children)
    return True


def _differ(ours: Any, theirs: Any, attribute: str, line: int, tally: Tally) -> None:
    tally.differences.append(Difference(attribute, shown(ours, "ephi-lint"),
                                        shown(theirs, "tfparse"), line))
