"""HCL expressions as a small typed tree, built from python-hcl2's Lark parse tree.

python-hcl2's own `loads` flattens expressions back into `${...}` strings; resolving
variables, references and conditionals needs their structure, so this module builds
it. Every node keeps its line for findings that point inside an expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lark import Token, Tree


@dataclass(frozen=True)
class Expr:
    line: int


@dataclass(frozen=True)
class Literal(Expr):
    value: Any


@dataclass(frozen=True)
class Template(Expr):
    """A string with interpolations; parts are str or Expr."""

    parts: tuple[Any, ...]


@dataclass(frozen=True)
class Variable(Expr):
    """A bare name: the root of a traversal (`var`, `aws_kms_key`, `local`, `each`)."""

    name: str


@dataclass(frozen=True)
class GetAttr(Expr):
    target: Expr
    name: str


@dataclass(frozen=True)
class Index(Expr):
    target: Expr
    key: Expr


@dataclass(frozen=True)
class Call(Expr):
    name: str
    args: tuple[Expr, ...]
    expand_last: bool = False


@dataclass(frozen=True)
class Conditional(Expr):
    condition: Expr
    if_true: Expr
    if_false: Expr


@dataclass(frozen=True)
class BinaryOp(Expr):
    operator: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class UnaryOp(Expr):
    operator: str
    operand: Expr


@dataclass(frozen=True)
class TupleExpr(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class ObjectExpr(Expr):
    items: tuple[tuple[Expr, Expr], ...]


@dataclass(frozen=True)
class Opaque(Expr):
    """An expression this linter does not evaluate (for expressions, splats, directives)."""

    kind: str


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


def _line(node: Tree | Token) -> int:
    if isinstance(node, Token):
        return node.line or 0
    return getattr(node.meta, "line", 0) or 0


def _trees(children: list[Any]) -> list[Tree]:
    return [child for child in children if isinstance(child, Tree)
            and child.data != "new_line_or_comment"]


def build(node: Tree | Token, depth: int = 0) -> Expr:
    """Turn a Lark expression subtree into an Expr."""
    if depth > 150:
        raise ExpressionError("expression nested deeper than 150 levels")
    if isinstance(node, Token):
        return Literal(_line(node), node.value)
    line = _line(node)
    kind = node.data
    kind = kind.value if isinstance(kind, Token) else kind
    children: list[Any] = node.children  # Lark types them Tree | Token; each rule knows
    next_depth = depth + 1

    if kind == "expr_term":
        inner = _trees(children)
        if len(inner) == 1:
            return build(inner[0], next_depth)
        raise ExpressionError(f"unexpected expression at line {line}")
    if kind == "int_lit":
        return Literal(line, int(children[0].value))
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
        return _string(node, line, next_depth)
    if kind == "template_string":
        return Literal(line, unescape(children[0].value[2:-2]))
    if kind in ("heredoc_template", "heredoc_template_trim"):
        return _heredoc(children[0].value, line, trim=kind.endswith("trim"))
    if kind == "conditional":
        parts = _trees(children)
        return Conditional(line, build(parts[0], next_depth), build(parts[1], next_depth),
                           build(parts[2], next_depth))
    if kind == "binary_op":
        left, term = _trees(children)[:2]
        term_parts = _trees(term.children)
        operator = _token_text(term_parts[0])
        return BinaryOp(line, operator, build(left, next_depth), build(term_parts[1], next_depth))
    if kind == "unary_op":
        operator = children[0].value
        return UnaryOp(line, operator, build(_trees(children)[0], next_depth))
    if kind == "tuple":
        return TupleExpr(line, tuple(build(item, next_depth) for item in _trees(children)))
    if kind == "object":
        items = []
        for element in _trees(children):
            key_node, value_node = _trees(element.children)
            key_inner = _trees(key_node.children) or key_node.children
            items.append((build(key_inner[0], next_depth), build(value_node, next_depth)))
        return ObjectExpr(line, tuple(items))
    if kind == "function_call":
        names = [child for child in children if isinstance(child, Tree)
                 and child.data == "identifier"]
        name = "::".join(_token_text(identifier) for identifier in names)
        arguments = [child for child in children if isinstance(child, Tree)
                     and child.data == "arguments"]
        args: tuple[Expr, ...] = ()
        expand = False
        if arguments:
            args = tuple(build(argument, next_depth) for argument in _trees(arguments[0].children))
            expand = any(isinstance(token, Token) and token.type == "ELLIPSIS"
                         for token in arguments[0].children)
        return Call(line, name, args, expand)
    if kind == "get_attr_expr_term":
        target, accessor = _trees(children)
        name_node = _trees(accessor.children)[0]
        return GetAttr(line, build(target, next_depth), _token_text(name_node))
    if kind == "index_expr_term":
        target, index = _trees(children)
        if index.data == "short_index":
            key: Expr = Literal(line, int(_token_text(index, -1)))
        else:
            key = build(_trees(index.children)[0], next_depth)
        return Index(line, build(target, next_depth), key)
    if kind in ("attr_splat_expr_term", "full_splat_expr_term"):
        return Opaque(line, "splat expression")
    if kind in ("for_tuple_expr", "for_object_expr"):
        return Opaque(line, "for expression")
    raise ExpressionError(f"unsupported expression '{kind}' at line {line}")


def _token_text(node: Tree, position: int = 0) -> str:
    """The text of a rule's token child (identifiers, operators, short indexes)."""
    token: Any = node.children[position]
    return str(token.value)


def _string(node: Tree, line: int, depth: int) -> Expr:
    parts: list[Any] = []
    for child in node.children:
        if not isinstance(child, Tree):
            continue  # the quotes
        token = child.children[0]
        if isinstance(token, Token):
            if token.type == "STRING_CHARS":
                parts.append(unescape(token.value))
            elif token.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                parts.append(token.value[1:])  # $${ -> ${, %%{ -> %{
            continue
        if token.data == "interpolation":
            parts.append(build(_trees(token.children)[0], depth))
        else:
            return Opaque(line, "template directive")
    return _template(line, parts)


def _template(line: int, parts: list[Any]) -> Expr:
    merged: list[Any] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    if not merged:
        return Literal(line, "")
    if len(merged) == 1 and isinstance(merged[0], str):
        return Literal(line, merged[0])
    if len(merged) == 1:
        return merged[0]  # "${x}" is x itself, not a string conversion of it
    return Template(line, tuple(merged))


_HEREDOC = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)\r?\n(.*?)\r?\n?[ \t]*\1\r?\n?$", re.S)


def _heredoc(raw: str, line: int, trim: bool) -> Expr:
    match = _HEREDOC.match(raw)
    body = match.group(2) if match else ""
    if body and not body.endswith("\n"):
        body += "\n"
    if trim:
        lines = body.splitlines(keepends=True)
        indents = [len(text) - len(text.lstrip(" \t")) for text in lines if text.strip()]
        cut = min(indents, default=0)
        body = "".join(text[cut:] for text in lines)
    if "${" in body or "%{" in body:
        return _heredoc_template(body, line)
    return Literal(line, body)


def _heredoc_template(body: str, line: int) -> Expr:
    """Interpolations inside a heredoc, parsed by wrapping each one as an attribute."""
    from linter.parsers.terraform import parse_expression  # local: avoids an import cycle

    if "%{" in body.replace("%%{", ""):
        return Opaque(line, "template directive")
    parts: list[Any] = []
    position = 0
    for match in re.finditer(r"(?<!\$)\$\{", body):
        start = match.start()
        end = _matching_brace(body, match.end())
        if end < 0:
            return Opaque(line, "unterminated interpolation")
        parts.append(_unescape_template(body[position:start]))
        parts.append(parse_expression(body[match.end():end], line))
        position = end + 1
    parts.append(_unescape_template(body[position:]))
    return _template(line, [part for part in parts if part != ""])


def _unescape_template(text: str) -> str:
    return text.replace("$${", "${").replace("%%{", "%{")


def _matching_brace(text: str, start: int) -> int:
    depth = 1
    in_string = False
    index = start
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1
