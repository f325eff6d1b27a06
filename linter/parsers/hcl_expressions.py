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
class ForExpr(Expr):
    """`[for k, v in coll : value if cond]`, or with `key` an object `{for ... : key => value}`.

    `key_name` is None when only one symbol is declared (it then names the value).
    `grouping` is the `...` after an object's value: values sharing a key form a list.
    """

    key_name: str | None
    value_name: str
    collection: Expr
    key: Expr | None
    value: Expr
    condition: Expr | None
    grouping: bool = False


@dataclass(frozen=True)
class Splat(Expr):
    """`target[*].a[0].b` (or the legacy `target.*.a`): `steps`, attribute names (str) and
    index expressions, applied to every element of `target`."""

    target: Expr
    steps: tuple[Any, ...]


@dataclass(frozen=True)
class TemplateIf(Expr):
    """`%{ if condition }...%{ else }...%{ endif }` inside a template; renders text."""

    condition: Expr
    if_true: Expr
    if_false: Expr


@dataclass(frozen=True)
class TemplateFor(Expr):
    """`%{ for k, v in collection }body%{ endfor }` inside a template; renders text."""

    key_name: str | None
    value_name: str
    collection: Expr
    body: Expr


@dataclass(frozen=True)
class Opaque(Expr):
    """An expression this linter does not evaluate (a malformed template, unparsable text)."""

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
    if kind in ("get_attr_expr_term", "index_expr_term"):
        target, accessor = _trees(children)
        step = _step(accessor, line, next_depth)
        if isinstance(step, str):
            return GetAttr(line, build(target, next_depth), step)
        return Index(line, build(target, next_depth), step)
    if kind in ("attr_splat_expr_term", "full_splat_expr_term"):
        target, splat = _trees(children)
        return _splat(build(target, next_depth), splat, kind.startswith("attr"), line,
                      next_depth)
    if kind in ("for_tuple_expr", "for_object_expr"):
        return _for(node, line, next_depth)
    raise ExpressionError(f"unsupported expression '{kind}' at line {line}")


# Python refuses to convert longer digit strings (sys.int_info.str_digits_check_threshold);
# no real setting needs them, so such a number is simply not evaluated.
_MAX_INTEGER_DIGITS = 4300


def _integer(digits: str, line: int) -> Expr:
    if len(digits) > _MAX_INTEGER_DIGITS:
        return Opaque(line, f"a number of {len(digits)} digits")
    return Literal(line, int(digits))


def _step(accessor: Tree, line: int, depth: int) -> Any:
    """An attribute name (str) or index expression of a traversal or splat."""
    if accessor.data == "get_attr":
        return _token_text(_trees(accessor.children)[0])
    if accessor.data == "short_index":
        return _integer(_token_text(accessor, -1), line)
    return build(_trees(accessor.children)[0], depth)


def _splat(target: Expr, splat: Tree, attribute_only: bool, line: int, depth: int) -> Expr:
    steps = [_step(accessor, line, depth) for accessor in _trees(splat.children)]
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
    intro, *body = _trees(node.children)
    intro_parts = _trees(intro.children)
    names = [_token_text(part) for part in intro_parts[:-1]]
    condition = None
    if body and body[-1].data == "for_cond":
        condition = build(_trees(body.pop().children)[0], depth)
    key = build(body[0], depth) if len(body) == 2 else None
    grouping = any(isinstance(token, Token) and token.type == "ELLIPSIS"
                   for token in node.children)
    return ForExpr(line, names[0] if len(names) == 2 else None, names[-1],
                   build(intro_parts[-1], depth), key, build(body[-1], depth), condition,
                   grouping)


def _token_text(node: Tree, position: int = 0) -> str:
    """The text of a rule's token child (identifiers, operators, short indexes)."""
    token: Any = node.children[position]
    return str(token.value)


# --- templates ------------------------------------------------------------------------
# A quoted string, heredoc or template file is a flat sequence of pieces (text, `${...}`,
# `%{...}`): `_strip` applies the `~` markers, `_flush` a `<<-` heredoc's indentation,
# `_assemble` nests the directives into TemplateIf / TemplateFor.

_DIRECTIVE_KINDS = {"template_if_start": "if", "template_else": "else",
                    "template_endif": "endif", "template_for_start": "for",
                    "template_endfor": "endfor", "interpolation": "interpolation"}
_SEQUENCE_START = re.compile(r"\$\$\{|%%\{|\$\{|%\{")
_FOR_DIRECTIVE = re.compile(r"for\s+([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*)\s*)?\s+in\s+(.+)",
                            re.S)
MAX_TEMPLATE_NESTING = 50
# `${...}`/`%{...}` sequences parsed in one heredoc or template file: each is a parse of
# its own (about 0.3 ms), so a hostile file cannot make parsing take minutes.
MAX_TEMPLATE_SEQUENCES = 10_000


@dataclass(frozen=True)
class _Piece:
    kind: str  # text, interpolation, if, else, endif, for, endfor
    # text: str; interpolation and if: an Expr; for: (key name, value name, collection)
    value: Any = None
    strip_left: bool = False
    strip_right: bool = False


class _MalformedTemplate(ValueError):
    pass


def _string(node: Tree, line: int, depth: int) -> Expr:
    pieces: list[_Piece] = []
    for child in node.children:
        if not isinstance(child, Tree):
            continue  # the quotes
        token = child.children[0]
        if isinstance(token, Token):
            if token.type == "STRING_CHARS":
                pieces.append(_Piece("text", unescape(token.value)))
            elif token.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                pieces.append(_Piece("text", token.value[1:]))  # $${ -> ${, %%{ -> %{
            continue
        pieces.append(_tree_piece(token, depth))
    return _assemble(_strip(pieces), line)


def _tree_piece(sequence: Tree, depth: int) -> _Piece:
    """A `${...}` or `%{...}` of a quoted string, from python-hcl2's flat tree."""
    data = sequence.data
    kind = _DIRECTIVE_KINDS[data.value if isinstance(data, Token) else data]
    tokens = sequence.children
    markers = [position for position, token in enumerate(tokens)
               if isinstance(token, Token) and token.type == "STRIP_MARKER"]
    strip_left = 1 in markers
    strip_right = len(tokens) - 2 in markers
    parts = _trees(tokens)
    value: Any = None
    if kind in ("interpolation", "if"):
        value = build(parts[0], depth)
    elif kind == "for":
        names = [_token_text(part) for part in parts[:-1]]
        value = (names[0] if len(names) == 2 else None, names[-1], build(parts[-1], depth))
    return _Piece(kind, value, strip_left, strip_right)


def _assemble(pieces: list[_Piece], line: int) -> Expr:
    """The template of pieces whose strip markers are applied."""
    try:
        expression, _, stop = _sequence(pieces, 0, line, (), 0)
    except _MalformedTemplate as error:
        return Opaque(line, str(error))
    if stop is not None:
        return Opaque(line, f"template directive {stop} without its opening directive")
    return expression


def _strip(pieces: list[_Piece], merge: bool = True) -> list[_Piece]:
    """`~` markers applied, as HCL does, to the adjacent literal piece only: `%{~ x}`
    trims the whitespace ending the piece before, `%{ x ~}` the whitespace starting the
    one after. `merge` joins adjacent literals first (a heredoc keeps one per line)."""
    merged: list[_Piece] = []
    for piece in pieces:
        if merge and piece.kind == "text" and merged and merged[-1].kind == "text":
            merged[-1] = _Piece("text", merged[-1].value + piece.value)
        else:
            merged.append(piece)
    for position, piece in enumerate(merged):
        if piece.strip_left and position > 0 and merged[position - 1].kind == "text":
            merged[position - 1] = _Piece("text", merged[position - 1].value.rstrip())
        if piece.strip_right and position + 1 < len(merged) and \
                merged[position + 1].kind == "text":
            merged[position + 1] = _Piece("text", merged[position + 1].value.lstrip())
    return merged


def _flush(pieces: list[_Piece]) -> list[_Piece]:
    """A `<<-` heredoc: HCL removes the smallest indentation from the literal starting
    each line; a line starting with `${`/`%{` counts as unindented, a blank line is not
    counted nor trimmed."""
    smallest: int | None = None
    starts: list[int] = []
    line_start = True
    for position, piece in enumerate(pieces):
        if line_start:
            line_start = False
            spaces: int | None = 0
            if piece.kind == "text":
                rest = piece.value.lstrip()
                spaces = None if not rest and piece.value.endswith("\n") else \
                    len(piece.value) - len(rest)
                if spaces is not None:
                    starts.append(position)
            if spaces is not None:
                smallest = spaces if smallest is None else min(smallest, spaces)
        if piece.kind == "text" and piece.value.endswith("\n"):
            line_start = True
    flushed = list(pieces)
    for position in starts:
        flushed[position] = _Piece("text", flushed[position].value[smallest or 0:])
    return flushed


def _sequence(pieces: list[_Piece], start: int, line: int, stops: tuple[str, ...],
              depth: int) -> tuple[Expr, int, str | None]:
    """Pieces from `start` up to one whose kind is in `stops`: (template, its position,
    its kind), or the end of the pieces (position len(pieces), kind None)."""
    if depth > MAX_TEMPLATE_NESTING:
        raise _MalformedTemplate(f"template directives nested deeper than "
                                 f"{MAX_TEMPLATE_NESTING} levels")
    parts: list[Any] = []
    position = start
    while position < len(pieces):
        piece = pieces[position]
        if piece.kind in stops:
            return _template(line, parts), position, piece.kind
        if piece.kind in ("text", "interpolation"):
            parts.append(piece.value)
        elif piece.kind == "if":
            if_true, position, stop = _sequence(pieces, position + 1, line,
                                                ("else", "endif"), depth + 1)
            if_false: Expr = Literal(line, "")
            if stop == "else":
                if_false, position, stop = _sequence(pieces, position + 1, line, ("endif",),
                                                     depth + 1)
            if stop != "endif":
                raise _MalformedTemplate("if directive without endif")
            parts.append(TemplateIf(line, piece.value, if_true, if_false))
        elif piece.kind == "for":
            body, position, stop = _sequence(pieces, position + 1, line, ("endfor",),
                                             depth + 1)
            if stop != "endfor":
                raise _MalformedTemplate("for directive without endfor")
            key_name, value_name, collection = piece.value
            parts.append(TemplateFor(line, key_name, value_name, collection, body))
        else:
            raise _MalformedTemplate(f"template directive {piece.kind} without its opening "
                                     "directive")
        position += 1
    return _template(line, parts), position, None


def _template(line: int, parts: list[Any]) -> Expr:
    merged: list[Any] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
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
    try:
        pieces = _strip(_scan(body, line, by_line=True), merge=False)
    except _MalformedTemplate as error:
        return Opaque(line, str(error))
    return _assemble(_flush(pieces) if trim else pieces, line)


def template_text(text: str, line: int) -> Expr:
    """A template written as a file's whole text (what `templatefile()` renders)."""
    try:
        return _assemble(_strip(_scan(text, line, by_line=False)), line)
    except _MalformedTemplate as error:
        return Opaque(line, str(error))


def _scan(text: str, line: int, by_line: bool) -> list[_Piece]:
    """Literal text and `${...}`/`%{...}` sequences; a heredoc's literal text is one
    piece per line (HCL's tokens, which strip markers and `<<-` work on)."""
    pieces: list[_Piece] = []
    literal: list[str] = []

    def flush_literal() -> None:
        text = "".join(literal)
        literal.clear()
        for part in (text.splitlines(keepends=True) if by_line else [text]):
            pieces.append(_Piece("text", part))

    position = sequences = 0
    while True:
        match = _SEQUENCE_START.search(text, position)
        if match is None:
            literal.append(text[position:])
            break
        literal.append(text[position:match.start()])
        opener = match.group()
        if len(opener) == 3:  # $${ and %%{ are the literal ${ and %{
            literal.append(opener[1:])
            position = match.end()
            continue
        end = _matching_brace(text, match.end())
        if end < 0:
            raise _MalformedTemplate("unterminated interpolation")
        sequences += 1
        if sequences > MAX_TEMPLATE_SEQUENCES:
            raise _MalformedTemplate(f"template with more than {MAX_TEMPLATE_SEQUENCES} "
                                     "interpolations and directives")
        flush_literal()
        pieces.append(_text_piece(opener[0], text[match.end():end], line))
        position = end + 1
    flush_literal()
    return pieces


def _text_piece(sigil: str, content: str, line: int) -> _Piece:
    from linter.parsers.terraform import parse_expression  # local: avoids an import cycle

    strip_left = content.startswith("~")
    content = content[1:] if strip_left else content
    strip_right = content.endswith("~")
    content = (content[:-1] if strip_right else content).strip()
    if sigil == "$":
        return _Piece("interpolation", parse_expression(content, line), strip_left, strip_right)
    if content in ("else", "endif", "endfor"):
        return _Piece(content, None, strip_left, strip_right)
    if content.startswith("if") and content[2:3].isspace():
        return _Piece("if", parse_expression(content[3:], line), strip_left, strip_right)
    match = _FOR_DIRECTIVE.fullmatch(content)
    if match is None:
        raise _MalformedTemplate("unknown template directive")
    first, second, collection = match.groups()
    names = (first, second) if second else (None, first)
    return _Piece("for", (*names, parse_expression(collection, line)), strip_left, strip_right)


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
