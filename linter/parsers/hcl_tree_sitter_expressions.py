"""HCL expressions from tree-sitter-hcl nodes, as the same `hcl_expressions` tree (with the
same lines) that python-hcl2's path builds.

tree-sitter-hcl 1.2 flattens an expression term: an `expression` node holds the primary
(or `(`, expression, `)`) followed by its `get_attr` / `index` / `splat` steps, and a
binary or unary operation holds its operands' nodes the same way. Where the two grammars
read the same text differently, this module follows python-hcl2 (the reference): a
conditional's alternative nests to the right, and `-1.5` is the literal -1.5, not a
negation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from linter.parsers import hcl_expressions as hx
from linter.parsers import hcl_template_syntax as templates


def named(node: Any) -> list[Any]:
    """A node's named children. Read by index: py-tree-sitter keeps the list that
    `node.named_children` builds on the node, so a walk that uses it holds a Python
    object for every node of the file until the parse ends (366 MB for a 3 MB file)."""
    return list(map(node.named_child, range(node.named_child_count)))


def children(node: Any) -> list[Any]:
    """A node's children, anonymous ones included, without caching them (see named)."""
    return list(map(node.child, range(node.child_count)))


def _only(node: Any) -> Any:
    """A node's one named child (ValueError, as unpacking, when it has not just one)."""
    if node.named_child_count == 1:
        return node.named_child(0)
    (inner,) = named(node)
    return inner

# Nesting beyond which the file goes to python-hcl2, whose limit (150 of its Lark levels)
# then decides. This reader counts at least two levels of its own for every three of
# python-hcl2's (each construct, each traversal step), so nothing deeper than
# python-hcl2 accepts is built here; and it stays well below Python's recursion limit.
MAX_NESTING = 100


class Unsupported(ValueError):
    """tree-sitter's reading is not one this module can vouch for; parse with python-hcl2."""


# Most expressions are a name, a traversal of names and number indexes, a string with
# no escape or sequence, or a number (21,000 of the 29,000 in four AWS module
# repositories): read from their text, they need none of their nodes. A text that
# matches is one of these for tree-sitter too: nothing else is written that way. Names
# are ASCII ones without `-`; anything else (a comment too) is read from the nodes.
# Calls, object elements and conditionals of such expressions read whole from their
# text were no faster: their patterns cost what the nodes not read saved.
_NAME = rb"[A-Za-z_][A-Za-z0-9_]*"
_PATH = _NAME + rb"(?:\." + _NAME + rb")*"  # `var.a.b`
_INDEXES = rb"(?:\[[0-9]+\](?:\." + _NAME + rb"|\[[0-9]+\])*)?"  # `[0].id`
_TEXT = rb'[^"\\$%\n]*'
_NUMBER = rb"[0-9]+(?:\.[0-9]+)?"
SIMPLE_EXPRESSION = (rb"(" + _PATH + rb")(" + _INDEXES + rb')|"(' + _TEXT + rb')"|('
                     + _NUMBER + rb")")
_SIMPLE = re.compile(SIMPLE_EXPRESSION)
_STEP = re.compile(rb"\.(" + _NAME + rb")|\[([0-9]+)\]")
_KEYWORDS = {"true": True, "false": False, "null": None}
_DOT = ord(".")  # `in` a bytes: as a number, not a bytes (the buffer protocol's cost)
_NOT_SIMPLE_ENDS = frozenset(b")}")


def simple_expression(path: bytes | None, indexes: bytes | None, text: bytes | None,
                      number: bytes | None, line: int, depth: int) -> hx.Expr | None:
    """The Expr of SIMPLE_EXPRESSION's groups, or None where the nodes must decide: a
    keyword traversed (`null.x`), or nesting near the limit."""
    # Read from the nodes, a value nests up to five levels deeper, and each step two.
    if depth + 5 > MAX_NESTING:
        return None
    if path is None:
        if number is not None:
            return _number(number.decode("ascii"), line)
        return hx.Literal(line, text.decode("utf-8", "surrogatepass"))  # type: ignore[union-attr]
    if not indexes and _DOT not in path:  # a name alone
        name = path.decode("ascii")
        return hx.Literal(line, _KEYWORDS[name]) if name in _KEYWORDS \
            else hx.Variable(line, name)
    names = path.decode("ascii").split(".")
    if names[0] in _KEYWORDS:
        return None
    expression: hx.Expr = hx.Variable(line, names[0])
    found = _STEP.findall(indexes) if indexes else ()
    if depth + 3 + 2 * (len(names) + len(found)) > MAX_NESTING:
        return None
    for name in names[1:]:
        expression = hx.GetAttr(line, expression, name)
    for name, digits in found:
        expression = (hx.Index(line, expression, hx.integer(digits.decode("ascii"), line))
                      if digits else hx.GetAttr(line, expression, name.decode("ascii")))
    return expression


def build_expression(node: Any, source: bytes, depth: int = 0) -> hx.Expr:
    """An `expression` node (or a node that stands for one) as an Expr."""
    if depth > MAX_NESTING:
        raise Unsupported("deep nesting")
    if node.type != "expression":
        return _primary(node, source, depth)
    start, end = node.start_byte, node.end_byte
    if source[end - 1] not in _NOT_SIMPLE_ENDS:  # not a call, an object or a for
        simple = _SIMPLE.fullmatch(source, start, end)
        if simple is not None:
            expression = simple_expression(*simple.groups(), node.start_point[0] + 1, depth)
            if expression is not None:
                return expression
    if node.child_count == 1:  # most expressions: one primary, no traversal steps
        only = node.child(0)
        kind = only.type
        if kind == "conditional":
            return _conditional(only, source, depth + 1)
        if kind not in ("(", "comment"):
            return _primary(only, source, depth + 2, kind)  # as _term([only], depth + 1)
    parts = _parts(node)
    if len(parts) == 1 and parts[0].type == "conditional":
        return _conditional(parts[0], source, depth + 1)
    return _term(parts, source, depth + 1)


def _parts(node: Any) -> list[Any]:
    return [child for child in map(node.child, range(node.child_count))
            if child.type != "comment"]


def _line(node: Any) -> int:
    return node.start_point[0] + 1


def _text(node: Any, source: bytes) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8", "surrogatepass")


def _term(nodes: list[Any], source: bytes, depth: int) -> hx.Expr:
    """A flattened term: a primary, or `(` expression `)`, then traversal steps."""
    if not nodes:
        raise Unsupported("empty term")
    line = _line(nodes[0])
    if nodes[0].type == "(":
        if len(nodes) < 3 or nodes[2].type != ")":
            raise Unsupported("parenthesis")
        current = build_expression(nodes[1], source, depth + 1)
        steps = nodes[3:]
    else:
        current = _primary(nodes[0], source, depth + 1)
        steps = nodes[1:]
    if depth + 2 * len(steps) > MAX_NESTING:  # each step nests the Expr a level deeper
        raise Unsupported("deep nesting")
    for step in steps:
        kind = step.type
        if kind == "get_attr":
            if step.named_child_count == 1:  # no comment inside: `.name`
                name = step.named_child(0)
                if name.type == "identifier":
                    current = hx.GetAttr(line, current, _text(name, source))
                    continue
            current = hx.GetAttr(line, current, _attribute_name(step, source))
        elif kind == "index":
            key = _index_key(step, line, source, depth + 1)
            current = hx.Index(line, current, key)
        elif kind == "splat":
            current = _splat(current, step, line, source, depth + 1)
        else:
            raise Unsupported(f"term step {kind}")
    return current


def _attribute_name(get_attr: Any, source: bytes) -> str:
    names = [child for child in named(get_attr) if child.type == "identifier"]
    if len(names) != 1:
        raise Unsupported("attribute access")
    return _text(names[0], source)


def _index_key(index: Any, line: int, source: bytes, depth: int) -> hx.Expr:
    inner = _only(index)
    if inner.type == "new_index":
        keys = [child for child in named(inner) if child.type == "expression"]
        if len(keys) != 1:
            raise Unsupported("index")
        return build_expression(keys[0], source, depth + 1)
    if inner.type == "legacy_index":
        digits = _text(inner, source)[1:].strip()  # `.0`: python-hcl2 gives it the term's line
        if not digits.isdigit():
            raise Unsupported("legacy index")
        return hx.integer(digits, line)
    raise Unsupported(f"index {inner.type}")


def _splat(target: hx.Expr, splat: Any, line: int, source: bytes, depth: int) -> hx.Expr:
    inner = _only(splat)
    steps: list[Any] = []
    for step in named(inner):
        if step.type == "get_attr":
            steps.append(_attribute_name(step, source))
        elif step.type == "index":
            steps.append(_index_key(step, line, source, depth))
        elif step.type != "comment":
            raise Unsupported(f"splat step {step.type}")
    return hx.splat_expression(target, steps, inner.type == "attr_splat", line)


def _primary(node: Any, source: bytes, depth: int, kind: str | None = None) -> hx.Expr:
    """A primary node (`kind` its type, when read already)."""
    if depth > MAX_NESTING:
        raise Unsupported("deep nesting")
    reader = _PRIMARIES.get(kind or node.type)
    if reader is None:
        raise Unsupported(f"expression {node.type}")
    return reader(node, source, depth)


def _variable(node: Any, source: bytes, depth: int) -> hx.Expr:
    return hx.Variable(node.start_point[0] + 1, _text(node, source))


def _literal_value(node: Any, source: bytes, depth: int) -> hx.Expr:
    return _literal(node.named_child(0) if node.named_child_count else named(node)[0],
                    source, depth)


def _template(node: Any, source: bytes, depth: int) -> hx.Expr:
    inner = _only(node)
    if inner.type == "quoted_template":
        return _quoted(inner, source, depth)
    if inner.type == "heredoc_template":
        return _heredoc(inner, source)
    raise Unsupported(f"template {inner.type}")


def _collection(node: Any, source: bytes, depth: int) -> hx.Expr:
    inner = _only(node)
    kind = inner.type
    if kind == "object":
        return _object(inner, source, depth)
    if kind == "tuple":
        item_at = inner.named_child
        items = []
        for index in range(inner.named_child_count):
            item = item_at(index)
            if item.type == "expression":
                items.append(build_expression(item, source, depth + 1))
        return hx.TupleExpr(node.start_point[0] + 1, tuple(items))
    raise Unsupported(f"collection {kind}")


def _operation(node: Any, source: bytes, depth: int) -> hx.Expr:
    inner = _only(node)
    if inner.type == "binary_operation":
        return _binary(inner, source, depth)
    if inner.type == "unary_operation":
        return _unary(inner, source, depth)
    raise Unsupported(f"operation {inner.type}")


def _literal(node: Any, source: bytes, depth: int) -> hx.Expr:
    kind = node.type
    line = _line(node)
    if kind == "numeric_lit":
        return _number(_text(node, source), line)
    if kind == "bool_lit":
        return hx.Literal(line, _text(node, source) == "true")
    if kind == "null_lit":
        return hx.Literal(line, None)
    if kind == "string_lit":
        return _quoted(node, source, depth)
    raise Unsupported(f"literal {kind}")


def _number(text: str, line: int) -> hx.Expr:
    body = text[1:] if text.startswith("-") else text
    if body.isdigit():
        return hx.integer(text, line)
    whole, dot, fraction = body.partition(".")
    if dot and whole.isdigit() and fraction.isdigit():
        return hx.Literal(line, float(text))
    raise Unsupported("number")  # hexadecimal and other forms python-hcl2 does not read


def _conditional(node: Any, source: bytes, depth: int) -> hx.Expr:
    """tree-sitter-hcl nests `a ? b : c ? d : e` to the left; HCL (and python-hcl2) to
    the right: the chain is unrolled and rebuilt from its end."""
    chain: list[Any] = []  # [condition, value, condition, value, ..., last alternative]
    current = node
    while True:
        parts = [child for child in named(current) if child.type == "expression"]
        if len(parts) != 3:
            raise Unsupported("conditional")
        condition, if_true, if_false = parts
        chain[:0] = [if_true, if_false]
        inner = _parts(condition)
        if len(inner) == 1 and inner[0].type == "conditional":
            current = inner[0]
            continue
        chain.insert(0, condition)
        break
    expression = build_expression(chain[-1], source, depth + 1)
    for position in range(len(chain) - 3, -1, -2):
        condition_node = chain[position]
        expression = hx.Conditional(
            _line(condition_node), build_expression(condition_node, source, depth + 1),
            build_expression(chain[position + 1], source, depth + 1), expression)
    return expression


def _operands(node: Any) -> tuple[list[Any], Any, list[Any]]:
    """A flattened operation's left nodes, operator node and right nodes."""
    parts = _parts(node)
    nesting = 0
    for position, part in enumerate(parts):
        if part.is_named:
            continue
        if part.type == "(":
            nesting += 1
        elif part.type == ")":
            nesting -= 1
        elif nesting == 0:
            return parts[:position], part, parts[position + 1:]
    raise Unsupported("operation without operator")


def _binary(node: Any, source: bytes, depth: int) -> hx.Expr:
    left, operator, right = _operands(node)
    return hx.BinaryOp(_line(node), operator.type, _term(left, source, depth + 1),
                       _term(right, source, depth + 1))


def _unary(node: Any, source: bytes, depth: int) -> hx.Expr:
    left, operator, operand = _operands(node)
    if left:
        raise Unsupported("unary operation")
    # python-hcl2's lexer reads `-1.5` (no space) as one negative number literal (but
    # `-1` as a negation of 1).
    if operator.type == "-" and len(operand) == 1 and operand[0].type == "literal_value" \
            and operator.end_byte == operand[0].start_byte \
            and named(operand[0])[0].type == "numeric_lit" \
            and "." in _text(operand[0], source):
        return _number("-" + _text(operand[0], source), _line(node))
    return hx.UnaryOp(_line(node), operator.type, _term(operand, source, depth + 1))


def _object(node: Any, source: bytes, depth: int) -> hx.Expr:
    items = []
    element_at = node.named_child
    for index in range(node.named_child_count):
        element = element_at(index)
        if element.type != "object_elem":
            continue
        key = element.child_by_field_name("key")
        value = element.child_by_field_name("val")
        if key is None or value is None:
            raise Unsupported("object element")
        items.append((build_expression(key, source, depth + 1),
                      build_expression(value, source, depth + 1)))
    return hx.ObjectExpr(node.start_point[0] + 1, tuple(items))


def _call(node: Any, source: bytes, depth: int) -> hx.Expr:
    name = ""
    args: list[hx.Expr] = []
    expand = False
    for child in map(node.named_child, range(node.named_child_count)):
        kind = child.type
        if kind == "identifier":
            name = _text(child, source)
        elif kind == "function_arguments":
            for argument in map(child.named_child, range(child.named_child_count)):
                argument_kind = argument.type
                if argument_kind == "expression":
                    args.append(build_expression(argument, source, depth + 1))
                elif argument_kind == "ellipsis":
                    expand = True
    if name.count("::") not in (0, 2):
        raise Unsupported("function name")  # python-hcl2 reads only provider::ns::name
    return hx.Call(node.start_point[0] + 1, name, tuple(args), expand)


def _for(node: Any, source: bytes, depth: int) -> hx.Expr:
    intro: Any = None
    expressions: list[Any] = []
    condition: hx.Expr | None = None
    grouping = False
    for child in named(node):
        kind = child.type
        if kind == "for_intro":
            intro = child
        elif kind == "expression":
            expressions.append(child)
        elif kind == "for_cond":
            (inner,) = [part for part in named(child) if part.type == "expression"]
            condition = build_expression(inner, source, depth + 1)
        elif kind == "ellipsis":
            grouping = True
    if intro is None or len(expressions) != (2 if node.type == "for_object_expr" else 1):
        raise Unsupported("for expression")
    names = [_text(child, source) for child in named(intro)
             if child.type == "identifier"]
    (collection,) = [child for child in named(intro) if child.type == "expression"]
    key = build_expression(expressions[0], source, depth + 1) if len(expressions) == 2 \
        else None
    return hx.ForExpr(_line(node), names[0] if len(names) == 2 else None, names[-1],
                      build_expression(collection, source, depth + 1), key,
                      build_expression(expressions[-1], source, depth + 1), condition,
                      grouping)


def _for_expression(node: Any, source: bytes, depth: int) -> hx.Expr:
    return _for(named(node)[0], source, depth)


# The readers of the nodes that stand for an expression, by their type.
_PRIMARIES: dict[str, Callable[[Any, bytes, int], hx.Expr]] = {
    "variable_expr": _variable, "literal_value": _literal_value, "template_expr": _template,
    "collection_value": _collection, "function_call": _call, "for_expr": _for_expression,
    "operation": _operation, "expression": build_expression}


# --- templates ------------------------------------------------------------------------


# Characters after which a quoted string's text is not itself: escapes, `${`, `%{`.
_NOT_PLAIN = re.compile(rb"[\\$%]")


def _quoted(node: Any, source: bytes, depth: int) -> hx.Expr:
    if node.named_child_count in (2, 3):  # most strings: quotes around plain text
        start = node.named_child(0)
        end = node.named_child(node.named_child_count - 1)
        if start.type == "quoted_template_start" and end.type == "quoted_template_end" and (
                node.named_child_count == 2 or node.named_child(1).type == "template_literal"):
            raw = source[start.end_byte:end.start_byte]
            if not _NOT_PLAIN.search(raw):  # what assemble_quoted makes of one text piece
                return hx.Literal(_line(node), raw.decode("utf-8", "surrogatepass"))
    sequences: list[Any] = []
    _sequences(node, sequences)
    if len(sequences) < 2 or sequences[0].type != "quoted_template_start" \
            or sequences[-1].type != "quoted_template_end":
        raise Unsupported("quoted template")
    pieces: list[templates.Piece] = []
    # The literal text is what lies between the sequences: tree-sitter's literal nodes
    # leave out the whitespace next to an interpolation.
    for before, sequence in zip(sequences, sequences[1:]):
        literal = source[before.end_byte:sequence.start_byte].decode("utf-8", "surrogatepass")
        if literal:
            pieces.extend(templates.literal_pieces(literal))
        kind = sequence.type
        if kind == "template_interpolation":
            left, right = _strip_markers(sequence)
            (inner,) = [part for part in named(sequence) if part.type == "expression"]
            pieces.append(templates.Piece(
                "interpolation", build_expression(inner, source, depth + 1), left, right))
        elif kind in _DIRECTIVE_KINDS:
            pieces.append(_directive(sequence, _DIRECTIVE_KINDS[kind], source, depth))
    return templates.assemble_quoted(pieces, _line(node))


_DIRECTIVE_KINDS = {"template_if_intro": "if", "template_else_intro": "else",
                    "template_if_end": "endif", "template_for_start": "for",
                    "template_for_intro": "for", "template_for_end": "endfor"}


def _sequences(node: Any, found: list[Any]) -> None:
    """The quotes, interpolations and directive parts of a quoted template, in order,
    its directives unnested again (the template module nests them as python-hcl2's path
    does)."""
    for child in named(node):
        kind = child.type
        if kind in ("template_directive", "template_if", "template_for"):
            _sequences(child, found)
        elif kind in _DIRECTIVE_KINDS or kind in (
                "template_interpolation", "quoted_template_start", "quoted_template_end"):
            found.append(child)
        elif kind not in ("template_literal", "comment"):
            raise Unsupported(f"template part {kind}")


def _directive(node: Any, kind: str, source: bytes, depth: int) -> templates.Piece:
    left, right = _strip_markers(node)
    value: Any = None
    expressions = [part for part in named(node) if part.type == "expression"]
    if kind == "if":
        value = build_expression(expressions[0], source, depth + 1)
    elif kind == "for":
        names = [_text(part, source) for part in named(node)
                 if part.type == "identifier"]
        value = (names[0] if len(names) == 2 else None, names[-1],
                 build_expression(expressions[0], source, depth + 1))
    return templates.Piece(kind, value, left, right)


def _strip_markers(node: Any) -> tuple[bool, bool]:
    """Whether a `~` follows the sequence's opening and precedes its closing brace."""
    parts = children(node)
    left = len(parts) > 1 and parts[1].type == "strip_marker"
    right = len(parts) > 2 and parts[-2].type == "strip_marker"
    return left, right


def _heredoc(node: Any, source: bytes) -> hx.Expr:
    # Built from its raw text, as python-hcl2's path does: `<<-` indentation and strip
    # markers work on the text's lines, and the interpolations are parsed on their own.
    marker = named(node)[0]
    return templates.heredoc_template(_text(node, source), _line(node),
                                      trim=_text(marker, source) == "<<-")
