"""HCL string templates as expression nodes: quoted strings, heredocs and template
files, with their `${...}` interpolations, `%{ if }` / `%{ for }` directives and `~`
strip markers.

hcl_expressions builds every other expression and hands strings and heredocs here;
`templatefile()` hands a template file's whole text to `template_text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from linter.parsers.hcl_expressions import (
    Expr,
    Literal,
    Opaque,
    Template,
    TemplateFor,
    TemplateIf,
    build,
    is_token,
    subtrees,
    token_text,
    unescape,
)

if TYPE_CHECKING:
    from lark import Tree

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
    """One piece of a template string: text, an interpolation or a directive."""

    kind: str  # text, interpolation, if, else, endif, for, endfor
    # text: str; interpolation and if: an Expr; for: (key name, value name, collection)
    value: Any = None
    strip_left: bool = False
    strip_right: bool = False


Piece = _Piece  # the tree-sitter path (hcl_tree_sitter_expressions) builds pieces too


class _MalformedTemplate(ValueError):
    pass


# A quoted string's literal run as python-hcl2's lexer splits it: `$${...}` and `%%{...}`
# (ESCAPED_INTERPOLATION / ESCAPED_DIRECTIVE) are the literal `${...}` / `%{...}`, kept
# as written; everything else (STRING_CHARS) has its backslash escapes decoded.
_LITERAL_TOKEN = re.compile(r"(\$\$\{[^}]*\}|%%\{[^}]*\})|(?:\\.|[^\\$%]|\$(?!\$?\{)|%(?!%?\{))+",
                            re.S)


def literal_pieces(raw: str) -> list[_Piece]:
    """The text pieces of a quoted string's literal characters, as written."""
    pieces: list[_Piece] = []
    position = 0
    while position < len(raw):
        match = _LITERAL_TOKEN.match(raw, position)
        if match is None or match.end() == position:
            raise ValueError("literal text python-hcl2 would not read")
        escaped = match.group(1)
        pieces.append(_Piece("text", escaped[1:] if escaped else unescape(match.group())))
        position = match.end()
    return pieces


def assemble_quoted(pieces: list[_Piece], line: int) -> Expr:
    """A quoted string from its pieces in order (text, sequences, unnested directives)."""
    return _assemble(_strip(pieces), line)


def string_template(node: Tree, line: int, depth: int) -> Expr:
    """A quoted string, from python-hcl2's tree of its literal parts and sequences."""
    pieces: list[_Piece] = []
    for child in node.children:
        if is_token(child):
            continue  # the quotes
        token = child.children[0]
        if is_token(token):
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
    kind = _DIRECTIVE_KINDS[str(data)]
    tokens = sequence.children
    markers = [position for position, token in enumerate(tokens)
               if is_token(token) and token.type == "STRIP_MARKER"]
    strip_left = 1 in markers
    strip_right = len(tokens) - 2 in markers
    parts = subtrees(tokens)
    value: Any = None
    if kind in ("interpolation", "if"):
        value = build(parts[0], depth)
    elif kind == "for":
        names = [token_text(part) for part in parts[:-1]]
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


def heredoc_template(raw: str, line: int, trim: bool) -> Expr:
    """A heredoc from its raw text, markers included; `trim` for a `<<-` heredoc."""
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
