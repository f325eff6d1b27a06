"""Terraform's native syntax read with tree-sitter-hcl: the same blocks and attributes,
with the same lines, as the python-hcl2 reference path of `linter.parsers.terraform`.

tree-sitter parses in C, about fifteen times faster than python-hcl2's Lark grammar.
It is error tolerant, so any ERROR or MISSING node, and any construct this reader does
not know, raises `Unsupported`: the caller then parses the file with python-hcl2, whose
verdict (model or error message) is the reference. Well-formed files, almost all of
them, never touch Lark.

A file's model is held against its own tree (`Unread`): every block and attribute node
of the tree, found by a walk of its own (not the one that builds the model), must be in
the model at its line. An attribute written twice in one body is a
TerraformSyntaxError, as Terraform has it ("Attribute redefined").
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from linter.parsers import terraform as _terraform
from linter.parsers.hcl_tree_sitter_expressions import (
    SIMPLE_EXPRESSION,
    Unsupported,
    build_expression,
    named,
    simple_expression,
)

if TYPE_CHECKING:
    from linter.parsers.terraform import HclAttribute, HclBlock

__all__ = ["Unread", "Unsupported", "line_starts", "parse_body", "parse_body_in_chunks",
           "parse_body_node", "parse_tree", "read_body"]

# (name, line of its first definition, line written again), in the order of the file.
Repeated = tuple[str, int, int]


class Unread(ValueError):
    """The model lacks blocks or attributes its tree holds (a reader bug): `blocks` and
    `attributes` are what was read, `lost` the (kind, line) of the missing items."""

    def __init__(self, blocks: list[HclBlock], attributes: dict[str, HclAttribute],
                 lost: list[tuple[str, int]]) -> None:
        super().__init__("items of the tree not read")
        self.blocks = blocks
        self.attributes = attributes
        self.lost = lost


@functools.cache
def _parser() -> Any:
    # Imported here: `import linter.parsers.terraform` stays free of the C extension
    # until a Terraform file is parsed.
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


def parse_tree(text: str) -> tuple[Any, bytes]:
    """The root node of a well-formed file and its UTF-8 source; Unsupported when
    tree-sitter found a syntax error or the top level is not a body. The tree is of
    `blank_plain_values(source)`: every text is read from the source, never the tree."""
    source = text.encode("utf-8", "surrogatepass")
    root = _parser().parse(blank_plain_values(source)).root_node
    if root.has_error:  # the file's own error, or (never seen) one the blanking made
        root = _parser().parse(source).root_node
        if root.has_error:
            raise Unsupported("syntax error")
    return root, source


# An attribute alone on its line whose value is a plain quoted string: printable ASCII
# but for the quote, the backslash and the `$` and `%` that start a template sequence.
_PLAIN_VALUE = re.compile(rb'=[ \t]*"([ !#&-\[\]-~]+)"[ \t]*\r?$', re.MULTILINE)
_ATTRIBUTE_NAME = re.compile(rb"[ \t]*[A-Za-z_][A-Za-z0-9_-]*[ \t]*")


def blank_plain_values(source: bytes) -> bytes:
    """`source` with the text of each plain string value (`description = "..."` alone
    on its line) made spaces, every byte where it was.

    tree-sitter-hcl's scanner reads a string's text at 3-5 MB/s but skips spaces, and a
    module's descriptions and names are a third of its bytes: the four
    terraform-aws-modules repositories parse in 0.13 s instead of 0.18 s, and blanking
    takes 0.005 s. The tree keeps its shape but for the string's literal node, absent
    around blanks (a quoted string with only its quotes is read from the source between
    them, as `"  "` always was), and every node keeps its bytes and lines. Blanked text
    is never a quote, backslash, `$`, `%`, line break or non-ASCII byte, so it cannot
    end a string, start a sequence or hide an error; a line inside a heredoc or a
    comment stays inside it (heredocs are read from their source text).
    tests/test_tree_sitter_blanking.py holds the two trees to each other."""
    def blanked(match: re.Match[bytes]) -> bytes:
        line = source.rfind(b"\n", 0, match.start()) + 1
        if _ATTRIBUTE_NAME.fullmatch(source, line, match.start()) is None:
            return match.group(0)
        start, end = match.span(1)
        return source[match.start():start] + b" " * (end - start) + source[end:match.end()]

    return _PLAIN_VALUE.sub(blanked, source)


def parse_body(text: str) -> tuple[list[HclBlock], dict[str, HclAttribute]]:
    """The top-level blocks and attributes of a file; TerraformSyntaxError for an
    attribute written twice in one body, Unread when the model lacks part of the tree."""
    blocks, attributes, repeated, lost = _read_held(text)
    _finish(blocks, attributes, repeated, lost)
    return blocks, attributes


def read_body(text: str) -> tuple[list[HclBlock], dict[str, HclAttribute]]:
    """The top-level blocks and attributes of a text (an attribute written twice: the
    last one), not held against its tree: for one expression parsed on its own."""
    root, source = parse_tree(text)
    blocks, attributes, _ = _read_root(root, source)
    return blocks, attributes


def _read_held(text: str) -> tuple[list[HclBlock], dict[str, HclAttribute], list[Repeated],
                                   list[tuple[str, int]]]:
    """The model, its repeated attributes and the (kind, line) of the tree's items the
    model lacks. Errors are raised once the whole file is read, as they always were:
    repeated attributes first, then lost items (see terraform.hold_against_census)."""
    root, source = parse_tree(text)
    blocks, attributes, repeated = _read_root(root, source)
    return blocks, attributes, repeated, _lost_items(root, blocks, attributes)


def _read_root(root: Any, source: bytes
               ) -> tuple[list[HclBlock], dict[str, HclAttribute], list[Repeated]]:
    bodies = [child for child in named(root) if child.type != "comment"]
    if not bodies:
        return [], {}, []
    if len(bodies) != 1 or bodies[0].type != "body":
        raise Unsupported(f"top level {bodies[0].type}")  # a bare object: not HCL's body
    body = _SourceNode(bodies[0], source, [])
    blocks, attributes = _terraform._body(body, 0)  # the dispatcher tests may wrap
    return blocks, attributes, body.repeated


def parse_body_in_chunks(text: str, cuts: list[tuple[int, int]], chunk_bytes: int
                         ) -> tuple[list[HclBlock], dict[str, HclAttribute]]:
    """The same as parse_body, reading the file a few top-level items at a time.

    tree-sitter's tree takes about 80 bytes of memory per byte of source (240 MB for a
    3 MB file), held until the whole model is built; top-level items are independent, so
    parsing runs of them (cut where top-level items start: `cuts`, (line, offset) of line
    starts in order; each run padded with the newlines before it so lines stay the
    file's) holds one run's tree at a time. A run tree-sitter cannot read whole raises
    Unsupported, as for the whole file: so does a run cut inside an item, which ends
    inside an unclosed construct (see terraform._read).
    """
    blocks: list[HclBlock] = []
    attributes: dict[str, HclAttribute] = {}
    repeated: list[Repeated] = []
    lost: list[tuple[str, int]] = []
    begin, begin_offset = 1, 0
    for line, offset in [*cuts, (0, len(text) + 1)]:
        if line:
            if line <= begin or offset - begin_offset < chunk_bytes:
                continue
            # with the newline ending the run: a heredoc's closing marker needs it
            run = text[begin_offset:offset]
        else:
            run = text[begin_offset:]
        chunk_blocks, chunk_attributes, chunk_repeated, chunk_lost = _read_held(
            "\n" * (begin - 1) + run)
        blocks += chunk_blocks
        repeated += chunk_repeated
        lost += chunk_lost
        for name, attribute in chunk_attributes.items():  # the top level is one body
            if name in attributes:
                repeated.append((name, attributes[name].line, attribute.line))
            attributes[name] = attribute
        begin, begin_offset = line, offset
    _finish(blocks, attributes, sorted(repeated, key=lambda repeat: repeat[2]), lost)
    return blocks, attributes


def line_starts(text: str, lines: list[int]) -> list[tuple[int, int]]:
    """(line, offset) of the start of each of `lines` (sorted, distinct, past line 1)."""
    found: list[tuple[int, int]] = []
    line, offset = 1, 0  # a line start walked forward to each one (no list of all lines)
    for wanted in lines:
        while line < wanted:
            offset = text.index("\n", offset) + 1
            line += 1
        found.append((line, offset))
    return found


def _finish(blocks: list[HclBlock], attributes: dict[str, HclAttribute],
            repeated: list[Repeated], lost: list[tuple[str, int]]) -> None:
    if repeated:
        name, first, again = repeated[0]
        raise _terraform.TerraformSyntaxError(  # Terraform rejects it: "Attribute redefined"
            f"attribute {name} at line {again} is already defined at line {first}")
    if lost:
        raise Unread(blocks, attributes, sorted(lost))


def _lost_items(root: Any, blocks: list[HclBlock], attributes: dict[str, HclAttribute]
                ) -> list[tuple[str, int]]:
    """The (kind, line) of the tree's block and attribute nodes the model lacks."""
    block_lines, attribute_lines = _tree_items(root)
    read_blocks: list[int] = []
    read_attributes = [attribute.line for attribute in attributes.values()]
    pending = list(blocks)
    while pending:
        block = pending.pop()
        read_blocks.append(block.line)
        read_attributes += [attribute.line for attribute in block.attributes.values()]
        pending += block.blocks
    if sorted(block_lines) == sorted(read_blocks) \
            and sorted(attribute_lines) == sorted(read_attributes):
        return []
    lost = Counter([("block", line) for line in block_lines]
                   + [("attribute", line) for line in attribute_lines])
    lost -= Counter([("block", line) for line in read_blocks]
                    + [("attribute", line) for line in read_attributes])
    return list(lost.elements())


def _tree_items(root: Any) -> tuple[list[int], list[int]]:
    """The lines of the tree's block and attribute nodes, found by a walk of its own (a
    tree cursor through bodies and blocks' bodies, never into expressions), not the
    model's."""
    block_lines: list[int] = []
    attribute_lines: list[int] = []
    cursor = root.walk()
    if not cursor.goto_first_child():
        return block_lines, attribute_lines
    while True:
        node = cursor.node
        kind = node.type
        if kind == "attribute":
            attribute_lines.append(node.start_point[0] + 1)
        elif kind == "block":
            block_lines.append(node.start_point[0] + 1)
            # Its body, if any, is its last node but for the closing brace and comments
            # (the grammar's order): the type and labels before it are not walked.
            cursor.goto_last_child()
            while cursor.goto_previous_sibling():
                kind = cursor.node.type
                if kind != "comment":
                    break
            if kind == "body" and cursor.goto_first_child():
                continue
            cursor.goto_parent()
        elif kind == "body" and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return block_lines, attribute_lines


class _SourceNode:
    """A tree-sitter body node with the source its texts are sliced from, and the list
    the whole file's repeated attributes are noted in."""

    __slots__ = ("node", "repeated", "source")

    def __init__(self, node: Any, source: bytes, repeated: list[Repeated]) -> None:
        self.node = node
        self.source = source
        self.repeated = repeated


def is_tree_sitter_body(body: Any) -> bool:
    return isinstance(body, _SourceNode)


# An attribute whose value is a simple expression (see hcl_tree_sitter_expressions), as
# most are: read from its text, none of its nodes is needed. Its name is everything
# before the `=` (an attribute's nodes are its name, `=` and its value).
_SIMPLE_ATTRIBUTE = re.compile(rb"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*=[ \t]*(?:"
                               + SIMPLE_EXPRESSION + rb")")
# A block's header, from its type to the `{` and the space after it: a type and up to
# two quoted labels (their characters as written, as python-hcl2 has them).
_LABEL = rb'(?:[ \t]+"([^"\\$%\n]*)")?'
_BLOCK_HEADER = re.compile(rb"([A-Za-z_][A-Za-z0-9_-]*)" + _LABEL + _LABEL
                           + rb"[ \t]*\{\s*")


def parse_body_node(body: _SourceNode, depth: int, max_depth: int
                    ) -> tuple[list[HclBlock], dict[str, HclAttribute]]:
    """A body's blocks and attributes; `depth` blocks enclose it."""
    if depth > max_depth:
        raise _terraform.TerraformSyntaxError(f"blocks nested deeper than {max_depth} levels")
    hcl_attribute = _terraform.HclAttribute
    source = body.source
    blocks: list[HclBlock] = []
    attributes: dict[str, HclAttribute] = {}
    node = body.node
    item_at = node.named_child
    simple_attribute = _SIMPLE_ATTRIBUTE.fullmatch
    for index in range(node.named_child_count):
        item = item_at(index)
        kind = item.type
        if kind == "attribute":
            line = item.start_point[0] + 1
            simple = simple_attribute(source, item.start_byte, item.end_byte)
            expression = None
            if simple is not None:
                name_text, path, indexes, text, number = simple.groups()
                expression = simple_expression(path, indexes, text, number, line, 0)
            if expression is not None:
                name = name_text.decode("ascii")
            else:
                name, value = _attribute_parts(item, source)
                expression = build_expression(value, source)
            if name in attributes:  # an error once the whole file is read
                body.repeated.append((name, attributes[name].line, line))
            attributes[name] = hcl_attribute(name, expression, line)
        elif kind == "block":
            blocks.append(_block(item, body, depth, max_depth))
        elif kind != "comment":
            raise Unsupported(f"body item {kind}")
    return blocks, attributes


def _attribute_parts(item: Any, source: bytes) -> tuple[str, Any]:
    """An attribute's name and value node."""
    if item.named_child_count == 2:  # no comment inside: `name = value`
        name_node, value = item.named_child(0), item.named_child(1)
        if name_node.type == "identifier" and value.type == "expression":
            return _text(name_node, source), value
    name_node = item.child_by_field_name("name") or named(item)[0]
    values = [child for child in named(item) if child.type == "expression"]
    if name_node.type != "identifier" or len(values) != 1:
        raise Unsupported("attribute shape")
    return _text(name_node, source), values[0]


def _block(item: Any, body: _SourceNode, depth: int, max_depth: int) -> HclBlock:
    source = body.source
    count = item.named_child_count
    header = None
    if count > 1:  # its last nodes: the body (if not empty) and the closing brace
        end = item.named_child(count - 1)
        inner = item.named_child(count - 2)
        if end.type == "block_end":
            if inner.type != "body":
                inner = None
            header = _BLOCK_HEADER.fullmatch(
                source, item.start_byte, (end if inner is None else inner).start_byte)
    if header is not None:
        type_text, first, second = header.groups()
        block_type = type_text.decode("ascii")
        if first is None:
            labels = []
        elif second is None:
            labels = [first.decode("utf-8", "surrogatepass")]
        else:
            labels = [first.decode("utf-8", "surrogatepass"),
                      second.decode("utf-8", "surrogatepass")]
        end_line = end.start_point[0] + 1
    else:
        block_type, labels, inner, end_line = _block_parts(item, source)
    child_blocks: list[HclBlock] = []
    child_attributes: dict[str, HclAttribute] = {}
    if inner is not None:
        child_blocks, child_attributes = parse_body_node(
            _SourceNode(inner, source, body.repeated), depth + 1, max_depth)
    elif depth + 1 > max_depth:
        raise _terraform.TerraformSyntaxError(f"blocks nested deeper than {max_depth} levels")
    return _terraform.HclBlock(block_type, labels, item.start_point[0] + 1, end_line,
                               child_attributes, child_blocks)


def _block_parts(item: Any, source: bytes) -> tuple[str, list[str], Any, int]:
    """A block's type, labels, body node (None if empty) and line of its closing brace,
    read from its nodes."""
    block_type = ""
    labels: list[str] = []
    inner = None
    end_line = item.end_point[0] + 1
    child_at = item.named_child
    for index in range(item.named_child_count):
        child = child_at(index)
        child_kind = child.type
        if child_kind == "identifier":
            if block_type:
                labels.append(_text(child, source))
            else:
                block_type = _text(child, source)
        elif child_kind == "string_lit":
            labels.append(_label(child, source))
        elif child_kind == "body":
            inner = child
        elif child_kind == "block_end":
            end_line = child.start_point[0] + 1
        elif child_kind not in ("block_start", "comment"):
            raise Unsupported(f"block part {child_kind}")
    return block_type, labels, inner, end_line


def _text(node: Any, source: bytes) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8", "surrogatepass")


_QUOTES = ("quoted_template_start", "quoted_template_end")


def _label(node: Any, source: bytes) -> str:
    """A quoted label as python-hcl2 reads it: its characters as written, escapes kept."""
    count = node.named_child_count
    if count in (2, 3):  # the quotes, and the text between them if any
        first, last = node.named_child(0), node.named_child(count - 1)
        if first.type == "quoted_template_start" and last.type == "quoted_template_end" \
                and (count == 2 or node.named_child(1).type not in _QUOTES):
            return source[first.end_byte:last.start_byte].decode("utf-8", "surrogatepass")
    quotes = [child for child in named(node)
              if child.type in ("quoted_template_start", "quoted_template_end")]
    if len(quotes) != 2:
        raise Unsupported("label")
    return source[quotes[0].end_byte:quotes[1].start_byte].decode("utf-8", "surrogatepass")
