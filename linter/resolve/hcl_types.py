"""Variable type constraints: `optional()` defaults and Terraform's simple conversions.

Terraform converts every value given to a variable (a default, tfvars, `-var`, a module
call's argument) to the variable's `type`: an object type keeps only its declared
attributes, fills an absent (or null) `optional(type, default)` attribute with its
default and an absent optional one without default with null; the strings "true" and
"false" become bools where a bool is wanted, decimal strings numbers, numbers and bools
strings. Values nobody can know pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from linter.parsers import hcl_expressions as hx
from linter.resolve.hcl_operators import to_number, to_text
from linter.values import Branches, ConfigNode, Unknown

_PRIMITIVES = frozenset({"string", "number", "bool", "any"})
_COLLECTIONS = frozenset({"list", "set", "map"})


@dataclass(frozen=True)
class TypeSpec:
    """A Terraform type constraint (`list(string)`, `object({...})`)."""

    kind: str  # string, number, bool, any, list, set, map, object, tuple
    element: TypeSpec | None = None  # list, set and map
    attributes: tuple[ObjectAttribute, ...] = ()  # object
    elements: tuple[TypeSpec, ...] = ()  # tuple


@dataclass(frozen=True)
class ObjectAttribute:
    """One attribute of an object type constraint, optional with its default or not."""

    name: str
    type: TypeSpec
    optional: bool = False
    default: hx.Expr | None = None


# Made once: most types are or hold primitives (a TypeSpec is never changed).
_PRIMITIVE_SPECS = {kind: TypeSpec(kind) for kind in _PRIMITIVES}


def type_spec(expression: hx.Expr) -> TypeSpec | None:
    """The type a `type = ...` expression declares; None when it is not understood (the
    value is then used as given)."""
    if isinstance(expression, hx.Literal) and isinstance(expression.value, str):
        # .tf.json writes the type as a string holding the type expression
        from linter.parsers.terraform import parse_expression

        return type_spec(parse_expression(expression.value, expression.line))
    if isinstance(expression, hx.Variable):
        return _PRIMITIVE_SPECS.get(expression.name)
    if not isinstance(expression, hx.Call) or len(expression.args) != 1:
        return None
    argument = expression.args[0]
    if expression.name in _COLLECTIONS:
        element = type_spec(argument)
        return TypeSpec(expression.name, element) if element is not None else None
    if expression.name == "tuple" and isinstance(argument, hx.TupleExpr):
        elements = [type_spec(item) for item in argument.items]
        if any(element is None for element in elements):
            return None
        return TypeSpec("tuple", elements=tuple(e for e in elements if e is not None))
    if expression.name == "object" and isinstance(argument, hx.ObjectExpr):
        attributes = [_attribute(key, value) for key, value in argument.items]
        if any(attribute is None for attribute in attributes):
            return None
        return TypeSpec("object", attributes=tuple(a for a in attributes if a is not None))
    return None


def _attribute(key: hx.Expr, value: hx.Expr) -> ObjectAttribute | None:
    if isinstance(key, hx.Variable):
        name = key.name
    elif isinstance(key, hx.Literal) and isinstance(key.value, str):
        name = key.value
    else:
        return None
    if isinstance(value, hx.Call) and value.name == "optional" and 1 <= len(value.args) <= 2:
        inner = type_spec(value.args[0])
        default = value.args[1] if len(value.args) == 2 else None
        return ObjectAttribute(name, inner, True, default) if inner is not None else None
    spec = type_spec(value)
    return ObjectAttribute(name, spec) if spec is not None else None


Evaluate = Callable[[hx.Expr], Any]


def convert(value: Any, spec: TypeSpec, evaluate: Evaluate) -> Any:
    """`value` converted to `spec`, with optional attributes' defaults filled in;
    `evaluate` gives the value of a default expression."""
    if isinstance(value, Branches):
        return Branches(tuple(convert(option, spec, evaluate) for option in value.options),
                        value.labels)
    if value is None or isinstance(value, Unknown) or spec.kind == "any":
        return value
    if spec.kind == "string" and isinstance(value, (bool, int, float)):
        return to_text(value)
    if spec.kind == "number" and isinstance(value, str):
        number = to_number(value)
        return value if isinstance(number, Unknown) else number
    if spec.kind == "bool" and value in ("true", "false"):
        return value == "true"
    if spec.kind in ("list", "set") and isinstance(value, list) and spec.element is not None:
        items = [convert(item, spec.element, evaluate) for item in value]
        if spec.kind == "set" and all(isinstance(item, str) for item in items):
            return sorted(set(items))  # Terraform orders a set of strings lexically
        return items
    if spec.kind == "tuple" and isinstance(value, list) and len(value) == len(spec.elements):
        return [convert(item, element, evaluate) for item, element in zip(value, spec.elements)]
    if spec.kind == "map" and isinstance(value, ConfigNode) and spec.element is not None:
        converted = ConfigNode(value.line, value.end_line)
        for key, item in value.items():
            converted.set(key, convert(item, spec.element, evaluate), value.line_of(key))
        return converted
    if spec.kind == "object" and isinstance(value, ConfigNode):
        return _object(value, spec, evaluate)
    return value  # a mismatch Terraform would reject: the value is judged as written


def _object(value: ConfigNode, spec: TypeSpec, evaluate: Evaluate) -> ConfigNode:
    converted = ConfigNode(value.line, value.end_line)
    for attribute in spec.attributes:
        given = value.get(attribute.name)
        if given is not None:
            converted.set(attribute.name, convert(given, attribute.type, evaluate),
                          value.line_of(attribute.name))
        elif attribute.optional:
            default = None
            if attribute.default is not None:
                default = convert(evaluate(attribute.default), attribute.type, evaluate)
            converted.set(attribute.name, default, value.line_of(attribute.name))
        elif attribute.name in value:  # a required attribute given as null stays null
            converted.set(attribute.name, None, value.line_of(attribute.name))
    return converted
