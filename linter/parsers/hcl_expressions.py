"""HCL expressions as a small typed tree, built from python-hcl2's Lark parse tree (the
tree-sitter path builds the same tree in `hcl_tree_sitter_expressions`).

python-hcl2's own `loads` flattens expressions back into `${...}` strings; resolving
variables, references and conditionals needs their structure, so this module builds
it. Every node keeps its line for findings that point inside an expression. Lark is not
imported here: its tokens and trees are told apart by shape, so the model can be used
(and a tree-sitter parse built) without loading the Lark reference parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from lark import Token, Tree


# The node classes are written out, not made by @dataclass(frozen=True, slots=True):
# making those cost 8 ms at import (half a millisecond a class, compiling the methods it
# generates), and their __init__ set each field through object.__setattr__, three times
# the time of a plain slot (the 308 files of four public AWS modules make 42,000 nodes).
# `_node` still declares each a dataclass, without generated methods, so that its fields
# are listed by dataclasses.fields: linter.parse_codec finds the parse model's classes
# and fields that way. Comparison, hashing, repr and pickling are Expr's, by the fields.
#
# Nodes are not frozen at run time: behind a guard (a __setattr__ that refuses), __init__
# could set a field only through object.__setattr__ or the slot's own setter, two to
# three times the cost of a plain assignment. Nothing assigns to a node after __init__
# (the parse cache's decoder makes them field by field, the evaluator only reads them):
# one parse model serves every evaluation of its file, so a change to a node would
# change every later reading of it. tests/test_hcl_nodes.py puts the guard back for a
# scan of every fixture.

_E = TypeVar("_E", bound="Expr")


def _node(cls: type[_E]) -> type[_E]:
    """A node class, its fields (its slots and its bases', in __init__'s order) declared
    to dataclasses for the parse cache's codec, and read by Expr's methods."""
    cls = dataclass(init=False, repr=False, eq=False)(cls)
    names = tuple(item.name for item in fields(cls))
    cls._field_names = names
    cls._field_values = attrgetter(*names) if len(names) > 1 else staticmethod(
        _line_only)  # attrgetter of one name gives the value, not a tuple
    return cls


def _line_only(node: Expr) -> tuple[Any, ...]:
    return (node.line,)


@_node
class Expr:
    """An expression node: equal to a node of the same class with equal fields, as the
    tests compare python-hcl2's and tree-sitter's models."""

    __slots__ = ("line",)
    line: int

    if TYPE_CHECKING:  # set by _node; not annotated at run time, so not dataclass fields
        _field_names: ClassVar[tuple[str, ...]]
        _field_values: ClassVar[Callable[[Expr], tuple[Any, ...]]]

    def __init__(self, line: int) -> None:
        self.line = line

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._field_values(self) == self._field_values(other)  # type: ignore[arg-type]

    def __hash__(self) -> int:
        return hash(self._field_values(self))

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._field_names)
        return f"{type(self).__qualname__}({values})"

    def __reduce__(self) -> tuple[type[Expr], tuple[Any, ...]]:
        # Parse models come back pickled from worker processes (linter.pipeline_workers).
        return type(self), self._field_values(self)


@_node
class Literal(Expr):
    """A number, string without interpolation, bool or null."""

    __slots__ = ("value",)
    value: Any

    def __init__(self, line: int, value: Any) -> None:
        self.line = line
        self.value = value


@_node
class Template(Expr):
    """A string with interpolations; parts are str or Expr."""

    __slots__ = ("parts",)
    parts: tuple[Any, ...]

    def __init__(self, line: int, parts: tuple[Any, ...]) -> None:
        self.line = line
        self.parts = parts


@_node
class Variable(Expr):
    """A bare name: the root of a traversal (`var`, `aws_kms_key`, `local`, `each`)."""

    __slots__ = ("name",)
    name: str

    def __init__(self, line: int, name: str) -> None:
        self.line = line
        self.name = name


@_node
class GetAttr(Expr):
    """`target.name`."""

    __slots__ = ("target", "name")
    target: Expr
    name: str

    def __init__(self, line: int, target: Expr, name: str) -> None:
        self.line = line
        self.target = target
        self.name = name


@_node
class Index(Expr):
    """`target[key]`."""

    __slots__ = ("target", "key")
    target: Expr
    key: Expr

    def __init__(self, line: int, target: Expr, key: Expr) -> None:
        self.line = line
        self.target = target
        self.key = key


@_node
class Call(Expr):
    """`name(args)`; `expand_last` is the `...` after the last argument."""

    __slots__ = ("name", "args", "expand_last")
    name: str
    args: tuple[Expr, ...]
    expand_last: bool

    def __init__(self, line: int, name: str, args: tuple[Expr, ...],
                 expand_last: bool = False) -> None:
        self.line = line
        self.name = name
        self.args = args
        self.expand_last = expand_last


@_node
class Conditional(Expr):
    """`condition ? if_true : if_false`."""

    __slots__ = ("condition", "if_true", "if_false")
    condition: Expr
    if_true: Expr
    if_false: Expr

    def __init__(self, line: int, condition: Expr, if_true: Expr, if_false: Expr) -> None:
        self.line = line
        self.condition = condition
        self.if_true = if_true
        self.if_false = if_false


@_node
class BinaryOp(Expr):
    """`left operator right`, the operator as written (`==`, `&&`, `+`)."""

    __slots__ = ("operator", "left", "right")
    operator: str
    left: Expr
    right: Expr

    def __init__(self, line: int, operator: str, left: Expr, right: Expr) -> None:
        self.line = line
        self.operator = operator
        self.left = left
        self.right = right


@_node
class UnaryOp(Expr):
    """`!operand` or `-operand`."""

    __slots__ = ("operator", "operand")
    operator: str
    operand: Expr

    def __init__(self, line: int, operator: str, operand: Expr) -> None:
        self.line = line
        self.operator = operator
        self.operand = operand


@_node
class TupleExpr(Expr):
    """`[item, ...]`."""

    __slots__ = ("items",)
    items: tuple[Expr, ...]

    def __init__(self, line: int, items: tuple[Expr, ...]) -> None:
        self.line = line
        self.items = items


@_node
class ObjectExpr(Expr):
    """`{key = value, ...}`, as (key, value) pairs in their order."""

    __slots__ = ("items",)
    items: tuple[tuple[Expr, Expr], ...]

    def __init__(self, line: int, items: tuple[tuple[Expr, Expr], ...]) -> None:
        self.line = line
        self.items = items


@_node
class ForExpr(Expr):
    """`[for k, v in coll : value if cond]`, or with `key` an object `{for ... : key => value}`.

    `key_name` is None when only one symbol is declared (it then names the value).
    `grouping` is the `...` after an object's value: values sharing a key form a list.
    """

    __slots__ = ("key_name", "value_name", "collection", "key", "value", "condition",
                 "grouping")
    key_name: str | None
    value_name: str
    collection: Expr
    key: Expr | None
    value: Expr
    condition: Expr | None
    grouping: bool

    def __init__(self, line: int, key_name: str | None, value_name: str, collection: Expr,
                 key: Expr | None, value: Expr, condition: Expr | None,
                 grouping: bool = False) -> None:
        self.line = line
        self.key_name = key_name
        self.value_name = value_name
        self.collection = collection
        self.key = key
        self.value = value
        self.condition = condition
        self.grouping = grouping


@_node
class Splat(Expr):
    """`target[*].a[0].b` (or the legacy `target.*.a`): `steps`, attribute names (str) and
    index expressions, applied to every element of `target`."""

    __slots__ = ("target", "steps")
    target: Expr
    steps: tuple[Any, ...]

    def __init__(self, line: int, target: Expr, steps: tuple[Any, ...]) -> None:
        self.line = line
        self.target = target
        self.steps = steps


@_node
class TemplateIf(Expr):
    """`%{ if condition }...%{ else }...%{ endif }` inside a template; renders text."""

    __slots__ = ("condition", "if_true", "if_false")
    condition: Expr
    if_true: Expr
    if_false: Expr

    def __init__(self, line: int, condition: Expr, if_true: Expr, if_false: Expr) -> None:
        self.line = line
        self.condition = condition
        self.if_true = if_true
        self.if_false = if_false


@_node
class TemplateFor(Expr):
    """`%{ for k, v in collection }body%{ endfor }` inside a template; renders text."""

    __slots__ = ("key_name", "value_name", "collection", "body")
    key_name: str | None
    value_name: str
    collection: Expr
    body: Expr

    def __init__(self, line: int, key_name: str | None, value_name: str, collection: Expr,
                 body: Expr) -> None:
        self.line = line
        self.key_name = key_name
        self.value_name = value_name
        self.collection = collection
        self.body = body


@_node
class Opaque(Expr):
    """An expression this linter does not evaluate (a malformed template, unparsable text)."""

    __slots__ = ("kind",)
    kind: str

    def __init__(self, line: int, kind: str) -> None:
        self.line = line
        self.kind = kind


class ExpressionError(ValueError):
    pass


_ESCAPES = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, "\\" + code)

    return _ESCAPES.sub(replace, text) if "\\" in text else text


def is_token(node: Any) -> bool:
    """A Lark Token (a str with a terminal type), not a Tree."""
    return isinstance(node, str)


def is_tree(node: Any) -> bool:
    return not isinstance(node, str) and hasattr(node, "children")


def _line(node: Tree | Token) -> int:
    if is_token(node):
        return getattr(node, "line", 0) or 0
    return getattr(node.meta, "line", 0) or 0


def subtrees(children: list[Any]) -> list[Tree]:
    """A rule's subtree children, without the newlines and comments between them."""
    return [child for child in children if is_tree(child)
            and child.data != "new_line_or_comment"]


def build(node: Tree | Token, depth: int = 0) -> Expr:
    """Turn a Lark expression subtree into an Expr."""
    if depth > 150:
        raise ExpressionError("expression nested deeper than 150 levels")
    if is_token(node):
        return Literal(_line(node), node.value)  # type: ignore[union-attr]
    line = _line(node)
    kind = str(node.data)  # type: ignore[union-attr]
    children: list[Any] = node.children  # Lark types them Tree | Token; each rule knows
    next_depth = depth + 1

    if kind == "expr_term":
        inner = subtrees(children)
        if len(inner) == 1:
            return build(inner[0], next_depth)
        raise ExpressionError(f"unexpected expression at line {line}")
    if kind == "int_lit":
        return _integer(children[0].value, line)
    if kind == "float_lit":
        return Literal(line, float(children[0].value))
    if kind == "literal_value":
        text = children[0].value
        return Literal(line, {"true": True, "false": False, "null": None}[text])
    if kind == "identifier":
        return Variable(line, children[0].value)
    if kind == "keyword":
        return Variable(line, children[0].value)
    if kind == "string":
        # local: the template module builds on the nodes defined here
        from linter.parsers.hcl_template_syntax import string_template
        return string_template(node, line, next_depth)
    if kind == "template_string":
        return Literal(line, unescape(children[0].value[2:-2]))
    if kind in ("heredoc_template", "heredoc_template_trim"):
        from linter.parsers.hcl_template_syntax import heredoc_template
        return heredoc_template(children[0].value, line, trim=kind.endswith("trim"))
    if kind == "conditional":
        parts = subtrees(children)
        return Conditional(line, build(parts[0], next_depth), build(parts[1], next_depth),
                           build(parts[2], next_depth))
    if kind == "binary_op":
        left, term = subtrees(children)[:2]
        term_parts = subtrees(term.children)
        operator = token_text(term_parts[0])
        return BinaryOp(line, operator, build(left, next_depth), build(term_parts[1], next_depth))
    if kind == "unary_op":
        operator = children[0].value
        return UnaryOp(line, operator, build(subtrees(children)[0], next_depth))
    if kind == "tuple":
        return TupleExpr(line, tuple(build(item, next_depth) for item in subtrees(children)))
    if kind == "object":
        items = []
        for element in subtrees(children):
            key_node, value_node = subtrees(element.children)
            key_inner = subtrees(key_node.children) or key_node.children
            items.append((build(key_inner[0], next_depth), build(value_node, next_depth)))
        return ObjectExpr(line, tuple(items))
    if kind == "function_call":
        names = [child for child in children if is_tree(child)
                 and child.data == "identifier"]
        name = "::".join(token_text(identifier) for identifier in names)
        arguments = [child for child in children if is_tree(child)
                     and child.data == "arguments"]
        args: tuple[Expr, ...] = ()
        expand = False
        if arguments:
            args = tuple(build(argument, next_depth)
                         for argument in subtrees(arguments[0].children))
            expand = any(is_token(token) and token.type == "ELLIPSIS"
                         for token in arguments[0].children)
        return Call(line, name, args, expand)
    if kind in ("get_attr_expr_term", "index_expr_term"):
        target, accessor = subtrees(children)
        step = _step(accessor, line, next_depth)
        if isinstance(step, str):
            return GetAttr(line, build(target, next_depth), step)
        return Index(line, build(target, next_depth), step)
    if kind in ("attr_splat_expr_term", "full_splat_expr_term"):
        target, splat = subtrees(children)
        return _splat(build(target, next_depth), splat, kind.startswith("attr"), line,
                      next_depth)
    if kind in ("for_tuple_expr", "for_object_expr"):
        return _for(node, line, next_depth)
    raise ExpressionError(f"unsupported expression '{kind}' at line {line}")


# Python refuses to convert longer digit strings (sys.int_info.str_digits_check_threshold);
# no real setting needs them, so such a number is simply not evaluated.
_MAX_INTEGER_DIGITS = 4300


def integer(digits: str, line: int) -> Expr:
    """An integer literal (a sign allowed), or Opaque past Python's conversion limit."""
    if len(digits) > _MAX_INTEGER_DIGITS:
        return Opaque(line, f"a number of {len(digits)} digits")
    return Literal(line, int(digits))


_integer = integer


def _step(accessor: Tree, line: int, depth: int) -> Any:
    """An attribute name (str) or index expression of a traversal or splat."""
    if accessor.data == "get_attr":
        return token_text(subtrees(accessor.children)[0])
    if accessor.data == "short_index":
        return _integer(token_text(accessor, -1), line)
    return build(subtrees(accessor.children)[0], depth)


def _splat(target: Expr, splat: Tree, attribute_only: bool, line: int, depth: int) -> Expr:
    steps = [_step(accessor, line, depth) for accessor in subtrees(splat.children)]
    return splat_expression(target, steps, attribute_only, line)


def splat_expression(target: Expr, steps: list[Any], attribute_only: bool,
                     line: int) -> Expr:
    """A splat of `target` with its steps: attribute names (str) and index expressions."""
    # The legacy `.*` splat applies only the attribute names right after it to each
    # element; an index after them applies to the resulting list (HCL's attribute-only
    # splat), and so does everything that follows that index.
    cut = len(steps)
    if attribute_only:
        cut = next((position for position, step in enumerate(steps)
                    if not isinstance(step, str)), cut)
    expression: Expr = Splat(line, target, tuple(steps[:cut]))
    for step in steps[cut:]:
        expression = (GetAttr(line, expression, step) if isinstance(step, str)
                      else Index(line, expression, step))
    return expression


def _for(node: Tree, line: int, depth: int) -> ForExpr:
    intro, *body = subtrees(node.children)
    intro_parts = subtrees(intro.children)
    names = [token_text(part) for part in intro_parts[:-1]]
    condition = None
    if body and body[-1].data == "for_cond":
        condition = build(subtrees(body.pop().children)[0], depth)
    key = build(body[0], depth) if len(body) == 2 else None
    grouping = any(is_token(token) and token.type == "ELLIPSIS"
                   for token in node.children)
    return ForExpr(line, names[0] if len(names) == 2 else None, names[-1],
                   build(intro_parts[-1], depth), key, build(body[-1], depth), condition,
                   grouping)


def token_text(node: Tree, position: int = 0) -> str:
    """The text of a rule's token child (identifiers, operators, short indexes)."""
    token: Any = node.children[position]
    return str(token.value)
