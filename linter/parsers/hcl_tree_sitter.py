"""Terraform's native syntax read with tree-sitter-hcl: the same blocks and attributes,
with the same lines, as the python-hcl2 reference path of `linter.parsers.terraform`.

tree-sitter parses in C, about fifteen times faster than python-hcl2's Lark grammar.
It is error tolerant, so any ERROR or MISSING node, and any construct this reader does
not know, raises `Unsupported`: the caller then parses the file with python-hcl2, whose
verdict (model or error message) is the reference. Well-formed files, almost all of
them, never touch Lark.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from linter.parsers.hcl_tree_sitter_expressions import (
    Unsupported,
    build_expression,
    named,
)

if TYPE_CHECKING:
    from linter.parsers.terraform import HclAttribute, HclBlock

__all__ = ["Unsupported", "parse_body", "parse_body_in_chunks", "parse_body_node",
           "parse_tree"]


@functools.cache
def _parser() -> Any:
    # Imported here: `import linter.parsers.terraform` stays free of the C extension
    # until a Terraform file is parsed.
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


def parse_tree(text: str) -> tuple[Any, bytes]:
    """The root node of a well-formed file and its UTF-8 source; Unsupported when
    tree-sitter found a syntax error or the top level is not a body."""
    source = text.encode("utf-8", "surrogatepass")
    tree = _parser().parse(source)
    root = tree.root_node
    if root.has_error:
        raise Unsupported("syntax error")
    return root, source


def parse_body(text: str) -> tuple[list[HclBlock], dict[str, HclAttribute]]:
    """The top-level blocks and attributes of a file."""
    from linter.parsers.terraform import _body  # the dispatcher tests may wrap

    root, source = parse_tree(text)
    bodies = [child for child in named(root) if child.type != "comment"]
    if not bodies:
        return [], {}
    if len(bodies) != 1 or bodies[0].type != "body":
        raise Unsupported(f"top level {bodies[0].type}")  # a bare object: not HCL's body
    return _body(_SourceNode(bodies[0], source), 0)


def parse_body_in_chunks(text: str, starts: list[int], chunk_bytes: int
                         ) -> tuple[list[HclBlock], dict[str, HclAttribute]]:
    """The same as parse_body, reading the file a few top-level items at a time.

    tree-sitter's tree takes about 80 bytes of memory per byte of source (240 MB for a
    3 MB file), held until the whole model is built; top-level items are independent, so
    parsing runs of them (cut at the census's top-level item lines, each run padded with
    the newlines before it so lines stay the file's) holds one run's tree at a time.
    A run tree-sitter cannot read whole raises Unsupported, as for the whole file.
    """
    total_lines = text.count("\n") + 1
    cuts = sorted({line for line in starts if 1 < line <= total_lines})
    blocks: list[HclBlock] = []
    attributes: dict[str, HclAttribute] = {}
    begin, begin_offset = 1, 0
    line, offset = 1, 0  # a line start walked forward to each cut (no list of all lines)
    for cut in [*cuts, total_lines + 1]:
        if cut <= total_lines:
            while line < cut:
                offset = text.index("\n", offset) + 1
                line += 1
            if offset - begin_offset < chunk_bytes:
                continue
            run = text[begin_offset:offset - 1]  # without the newline ending the run
        else:
            run = text[begin_offset:]
        chunk_blocks, chunk_attributes = parse_body("\n" * (begin - 1) + run)
        blocks += chunk_blocks
        attributes.update(chunk_attributes)
        begin, begin_offset = cut, offset
    return blocks, attributes


class _SourceNode:
    """A tree-sitter body node with the source its texts are sliced from."""

    __slots__ = ("node", "source")

    def __init__(self, node: Any, source: bytes) -> None:
        self.node = node
        self.source = source


def is_tree_sitter_body(body: Any) -> bool:
    return isinstance(body, _SourceNode)


def parse_body_node(body: _SourceNode, depth: int, max_depth: int
                    ) -> tuple[list[HclBlock], dict[str, HclAttribute]]:
    """A body's blocks and attributes; `depth` blocks enclose it."""
    from linter.parsers.terraform import HclAttribute, HclBlock, TerraformSyntaxError, _body

    if depth > max_depth:
        raise TerraformSyntaxError(f"blocks nested deeper than {max_depth} levels")
    source = body.source
    blocks: list[HclBlock] = []
    attributes: dict[str, HclAttribute] = {}
    for item in named(body.node):
        kind = item.type
        if kind == "attribute":
            name_node = item.child_by_field_name("name") or named(item)[0]
            value = [child for child in named(item) if child.type == "expression"]
            if name_node.type != "identifier" or len(value) != 1:
                raise Unsupported("attribute shape")
            name = _text(name_node, source)
            attributes[name] = HclAttribute(name, build_expression(value[0], source),
                                            item.start_point[0] + 1)
        elif kind == "block":
            block_type = ""
            labels: list[str] = []
            inner: Any = None
            end_line = item.end_point[0] + 1
            for child in named(item):
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
            child_blocks: list[HclBlock] = []
            child_attributes: dict[str, HclAttribute] = {}
            if inner is not None:
                child_blocks, child_attributes = _body(_SourceNode(inner, source), depth + 1)
            elif depth + 1 > max_depth:
                raise TerraformSyntaxError(f"blocks nested deeper than {max_depth} levels")
            blocks.append(HclBlock(block_type, labels, item.start_point[0] + 1, end_line,
                                   child_attributes, child_blocks))
        elif kind != "comment":
            raise Unsupported(f"body item {kind}")
    return blocks, attributes


def _text(node: Any, source: bytes) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8", "surrogatepass")


def _label(node: Any, source: bytes) -> str:
    """A quoted label as python-hcl2 reads it: its characters as written, escapes kept."""
    quotes = [child for child in named(node)
              if child.type in ("quoted_template_start", "quoted_template_end")]
    if len(quotes) != 2:
        raise Unsupported("label")
    return source[quotes[0].end_byte:quotes[1].start_byte].decode("utf-8", "surrogatepass")
