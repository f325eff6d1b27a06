"""Terraform files (`.tf`, `.tf.json`, `.tfvars`) as blocks with the line of every attribute.

Native-syntax files are read with tree-sitter-hcl (`hcl_tree_sitter`). python-hcl2 is the
reference the test suite holds that reader to (tests/test_parser_differential.py) and
the runtime fallback: a file tree-sitter finds a syntax error in, or reads in a way the
tree-sitter reader cannot vouch for, is parsed again by python-hcl2, so the verdict on
broken files (and its message) is the reference parser's. `EPHI_LINT_HCL_PARSER=python-hcl2`
uses the reference parser for every file.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from linter.parsers import hcl_expressions as hx
from linter.parsers.census import (
    Census,
    likely_item_starts,
    take_census,
    without_padded_heredoc_closings,
)
from linter.values import ConfigNode, MarkedList

if TYPE_CHECKING:
    from lark import Token, Tree
    from lark.exceptions import UnexpectedInput

MAX_BLOCK_DEPTH = 60
# Files larger than this are parsed a run of top-level items at a time (about 80 bytes of
# tree per byte of source otherwise stay alive together; see parse_body_in_chunks).
CHUNKED_PARSE_MIN_CHARS = 512 * 1024
CHUNK_CHARS = 64 * 1024
PARSER_VARIABLE = "EPHI_LINT_HCL_PARSER"
PARSERS = ("tree-sitter", "python-hcl2")


class TerraformSyntaxError(ValueError):
    pass


@dataclass(slots=True)  # hundreds of thousands in a large module: no __dict__ each
class HclAttribute:
    """One attribute of an HCL body: its name, expression and line."""

    name: str
    expression: hx.Expr
    line: int


@dataclass(slots=True)
class HclBlock:
    """One HCL block: type, labels, lines, and the attributes and blocks of its body."""

    type: str
    labels: list[str]
    line: int
    end_line: int
    attributes: dict[str, HclAttribute] = field(default_factory=dict)
    blocks: list[HclBlock] = field(default_factory=list)

    def blocks_of(self, block_type: str) -> list[HclBlock]:
        return [block for block in self.blocks if block.type == block_type]


@dataclass
class TerraformFile:
    """One parsed Terraform file: its display path and top-level blocks."""

    path: str
    blocks: list[HclBlock]


def selected_parser() -> str:
    """The parser `EPHI_LINT_HCL_PARSER` names (tree-sitter unless set); a clear error
    for any other value."""
    chosen = os.environ.get(PARSER_VARIABLE, "").strip() or PARSERS[0]
    if chosen not in PARSERS:
        raise TerraformSyntaxError(
            f"{PARSER_VARIABLE}={chosen!r} is not one of {', '.join(PARSERS)}")
    return chosen


def parse_hcl(text: str, path: str, parser: str | None = None) -> TerraformFile:
    """A native-syntax file; `parser` forces one ("tree-sitter" or "python-hcl2")."""
    blocks, _ = _read(text, parser or selected_parser())
    return TerraformFile(path, blocks)


def parse_variables_file(text: str, path: str,
                         parser: str | None = None) -> dict[str, HclAttribute]:
    """A `.tfvars` (HCL) or `.tfvars.json` file: top-level values only."""
    if path.lower().endswith(".json"):
        return _parse_variables_json(text)
    _, attributes = _read(text, parser or selected_parser(), variables=True)
    return attributes


def _read(text: str, parser: str, variables: bool = False
          ) -> tuple[list[HclBlock], dict[str, HclAttribute]]:
    """A file's blocks and attributes, all of them or a TerraformSyntaxError.

    python-hcl2's reading is held against the census of the raw text (it has dropped
    blocks silently, issue 7). tree-sitter's is held against its own tree (every block
    and attribute node in the model, attributes written once per body): it reads the
    text as Terraform does where python-hcl2 did not (padded heredoc closings), any
    syntax error is an ERROR or MISSING node that sends the file to python-hcl2, and it
    has agreed with the census on every file of the corpora and fixtures
    (tests/test_parser_differential.py keeps that cross-check); the census cost a third
    of the parse time.
    """
    if parser == "tree-sitter":
        from linter.parsers import hcl_tree_sitter

        try:
            if len(text) > CHUNKED_PARSE_MIN_CHARS:
                return _read_in_runs(text)
            return hcl_tree_sitter.parse_body(text)
        except hcl_tree_sitter.Unsupported:
            pass  # python-hcl2 gives the reference verdict
        except RecursionError:
            pass
        except hcl_tree_sitter.Unread as unread:  # a reader bug: name what it lost
            hold_against_census(take_census(text), unread.blocks, unread.attributes)
            raise TerraformSyntaxError(
                f"{_items(unread.lost)} not read by the HCL parser") from None
    census = take_census(text)
    blocks, attributes = _read_with_python_hcl2(text, census, variables)
    hold_against_census(census, blocks, attributes)
    return blocks, attributes


def _read_in_runs(text: str) -> tuple[list[HclBlock], dict[str, HclAttribute]]:
    """A large file read by tree-sitter a run of top-level items at a time, cut where a
    line starts as a top-level block or attribute does.

    Such a line can also be inside an item (a heredoc's text): the run before that cut
    then ends inside an unclosed heredoc, block, bracket or comment, which tree-sitter
    reports as an error (Unsupported). The file is then cut again where the census of
    its raw text finds top-level items (that takes as long as parsing the file).
    """
    from linter.parsers import hcl_tree_sitter

    try:
        return hcl_tree_sitter.parse_body_in_chunks(text, likely_item_starts(text), CHUNK_CHARS)
    except hcl_tree_sitter.Unsupported:
        pass
    lines = sorted({item.line for item in take_census(text).items if item.depth == 0} - {1})
    return hcl_tree_sitter.parse_body_in_chunks(
        text, hcl_tree_sitter.line_starts(text, lines), CHUNK_CHARS)


def _read_with_python_hcl2(text: str, census: Census, variables: bool
                           ) -> tuple[list[HclBlock], dict[str, HclAttribute]]:
    import hcl2
    from lark.exceptions import LarkError, UnexpectedInput

    if variables:  # its messages, as they always were
        try:
            tree = hcl2.parses_to_tree(_for_python_hcl2(text, census))
            return _body(_trees(tree.children)[0], 0)
        except UnexpectedInput as error:
            raise TerraformSyntaxError(_describe(error)) from None
        except (LarkError, hx.ExpressionError, RecursionError):
            raise TerraformSyntaxError("invalid HCL") from None
    try:
        tree = hcl2.parses_to_tree(_for_python_hcl2(text, census))
    except UnexpectedInput as error:
        raise TerraformSyntaxError(_describe(error)) from None
    except (LarkError, RecursionError):
        raise TerraformSyntaxError("invalid HCL") from None
    body = _trees(tree.children)[0]
    try:
        return _body(body, 0)
    except (hx.ExpressionError, RecursionError) as error:
        raise TerraformSyntaxError(str(error) or "nesting too deep") from None


def _for_python_hcl2(text: str, census: Census) -> str:
    """The text as python-hcl2's grammar reads it the way Terraform does.

    Terraform accepts whitespace after a heredoc's closing marker; python-hcl2's grammar
    does not and reads on to the next line holding the marker, swallowing the blocks in
    between. The padding is removed (lines and columns stay the same), and the final
    newline its grammar needs is added.
    """
    text = without_padded_heredoc_closings(text, census)
    return text if text.endswith("\n") else text + "\n"


def hold_against_census(census: Census, blocks: list[HclBlock],
                        attributes: dict[str, HclAttribute]) -> None:
    """Raise TerraformSyntaxError when the parser read fewer blocks or attributes than
    the raw text holds: a file must never lose part of itself silently."""
    if census.repeated_attributes:
        name, first, again = census.repeated_attributes[0]
        raise TerraformSyntaxError(  # Terraform rejects it too: "Attribute redefined"
            f"attribute {name} at line {again} is already defined at line {first}")
    read: Counter[tuple[str, int]] = Counter(
        ("attribute", attribute.line) for attribute in attributes.values())
    pending = list(blocks)
    while pending:
        block = pending.pop()
        read[("block", block.line)] += 1
        read.update(("attribute", attribute.line) for attribute in block.attributes.values())
        pending.extend(block.blocks)
    lost = Counter((item.kind, item.line) for item in census.items) - read
    if not lost:
        return
    lost_blocks = {line for kind, line in lost if kind == "block"}
    # What a lost block holds is lost with it: name only the outermost lost items.
    outermost = sorted({(item.kind, item.line) for item in census.items
                        if (item.kind, item.line) in lost
                        and item.parent_line not in lost_blocks})
    raise TerraformSyntaxError(f"{_items(outermost)} not read by the HCL parser")


def _items(found: list[tuple[str, int]]) -> str:
    """("block", 4), ("attribute", 8) as "the block at line 4 and the attribute at line
    8 were"."""
    parts = []
    for kind in ("block", "attribute"):
        lines = [line for item_kind, line in found if item_kind == kind]
        if len(lines) == 1:
            parts.append(f"the {kind} at line {lines[0]}")
        elif lines:
            parts.append(f"{kind}s at lines {_line_list(lines)}")
    verb = "was" if len(found) == 1 else "were"
    return f"{' and '.join(parts)} {verb}"


def _line_list(lines: list[int], shown: int = 10) -> str:
    text = ", ".join(str(line) for line in lines[:shown])
    return text + (f" and {len(lines) - shown} more" if len(lines) > shown else "")


def _parse_variables_json(text: str) -> dict[str, HclAttribute]:
    from linter.parsers.yaml_source import DocumentError, load_documents

    try:
        documents = load_documents(text, json_mode=True)
    except DocumentError as error:
        raise TerraformSyntaxError(str(error)) from None
    if len(documents) != 1 or not isinstance(documents[0], ConfigNode):
        raise TerraformSyntaxError("a .tfvars.json file must hold one JSON object")
    root = documents[0]
    return {name: HclAttribute(name, _json_expression(value, root.line_of(name)),
                               root.line_of(name))
            for name, value in root.items()}


def parse_expression(text: str, line: int, parser: str | None = None) -> hx.Expr:
    """One expression (from a template or a .tf.json string), its lines counted from `line`."""
    source = f"x = {text}\n"
    if (parser or selected_parser()) == "tree-sitter":
        from linter.parsers import hcl_tree_sitter

        try:
            _, attributes = hcl_tree_sitter.read_body(source)
            if "x" in attributes:
                return _shift(attributes["x"].expression, line)
        except (hcl_tree_sitter.Unsupported, TerraformSyntaxError, RecursionError):
            pass  # python-hcl2 decides
    import hcl2
    from lark.exceptions import LarkError

    try:
        tree = hcl2.parses_to_tree(source)
        _, attributes = _body(_trees(tree.children)[0], 0)
    except (LarkError, hx.ExpressionError, TerraformSyntaxError, RecursionError):
        return hx.Opaque(line, "unparsable expression")
    return _shift(attributes["x"].expression, line)


def _shift(expression: hx.Expr, line: int) -> hx.Expr:
    # The expression was parsed on its own; its nodes all belong to the caller's line.
    return _relined(expression, line)


def _relined(node: Any, line: int) -> Any:
    if isinstance(node, hx.Expr):
        values = {name: _relined(getattr(node, name), line)
                  for name in node.__dataclass_fields__ if name != "line"}
        return type(node)(line=line, **values)
    if isinstance(node, tuple):
        return tuple(_relined(item, line) for item in node)
    return node


def _describe(error: UnexpectedInput) -> str:
    """Where the syntax error is, never the text at that spot: it may be a secret."""
    from lark.exceptions import UnexpectedEOF, UnexpectedToken

    if isinstance(error, UnexpectedToken):
        what = "end of file" if error.token.type == "$END" else f"{error.token.type} token"
        return f"invalid HCL at line {error.line}, column {error.column}: unexpected {what}"
    if isinstance(error, UnexpectedEOF):
        return "invalid HCL: unexpected end of file"
    return f"invalid HCL at line {error.line}, column {error.column}: unexpected character"


def _trees(children: list[Any]) -> list[Tree]:
    return hx.subtrees(children)


def _name(node: Tree | Token) -> str:
    if hx.is_token(node):
        return node.value  # type: ignore[union-attr]
    if node.data == "string":  # type: ignore[union-attr]
        return "".join(part.children[0].value for part in node.children  # type: ignore
                       if hx.is_tree(part) and hx.is_token(part.children[0]))
    first: Any = node.children[0]  # identifier, keyword and literal_value hold one token
    return str(first.value)


def _body(body: Any, depth: int) -> tuple[list[HclBlock], dict[str, HclAttribute]]:
    """A body's blocks and attributes, from either parser's body node; `depth` blocks
    enclose it."""
    from linter.parsers import hcl_tree_sitter

    if hcl_tree_sitter.is_tree_sitter_body(body):
        return hcl_tree_sitter.parse_body_node(body, depth, MAX_BLOCK_DEPTH)
    if depth > MAX_BLOCK_DEPTH:
        raise TerraformSyntaxError(f"blocks nested deeper than {MAX_BLOCK_DEPTH} levels")
    blocks: list[HclBlock] = []
    attributes: dict[str, HclAttribute] = {}
    for item in _trees(body.children):
        if item.data == "attribute":
            name_node, value_node = _trees(item.children)
            name = _name(name_node)
            attributes[name] = HclAttribute(name, hx.build(value_node), item.meta.line)
        elif item.data == "block":
            parts = _trees(item.children)
            inner_body = parts[-1]
            header = [_name(part) for part in parts[:-1]]
            child_blocks, child_attributes = _body(inner_body, depth + 1)
            blocks.append(HclBlock(header[0], header[1:], item.meta.line, item.meta.end_line,
                                   child_attributes, child_blocks))
    return blocks, attributes


# --- .tf.json -------------------------------------------------------------------------

# Top-level keys whose values are keyed by labels, and how many labels each has.
_JSON_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1,
                "provider": 1, "locals": 0, "terraform": 0}


def parse_json(text: str, path: str) -> TerraformFile:
    # JSON is read by the YAML loader (for its lines): loaded for .tf.json files only, so
    # a run over .tf files never imports PyYAML.
    from linter.parsers.yaml_source import DocumentError, load_documents

    try:
        documents = load_documents(text, json_mode=True)
    except DocumentError as error:
        raise TerraformSyntaxError(str(error)) from None
    if len(documents) != 1 or not isinstance(documents[0], ConfigNode):
        raise TerraformSyntaxError("a .tf.json file must hold one JSON object")
    blocks: list[HclBlock] = []
    root = documents[0]
    for block_type, content in root.items():
        label_count = _JSON_LABELS.get(block_type)
        if label_count is None:
            continue
        for labels, node in _labelled(content, label_count, []):
            if isinstance(node, ConfigNode):
                blocks.append(_json_block(block_type, labels, node))
    return TerraformFile(path, blocks)


def _labelled(content: Any, remaining: int, labels: list[str]) -> list[tuple[list[str], Any]]:
    items = content if isinstance(content, list) else [content]
    found: list[tuple[list[str], Any]] = []
    for item in items:
        if remaining == 0:
            found.append((labels, item))
        elif isinstance(item, ConfigNode):
            for key, value in item.items():
                found.extend(_labelled(value, remaining - 1, [*labels, key]))
    return found


def _json_block(block_type: str, labels: list[str], node: ConfigNode) -> HclBlock:
    block = HclBlock(block_type, labels, node.line, node.end_line)
    for key, value in node.items():
        line = node.line_of(key)
        # JSON cannot tell a nested block from an object attribute; both resolve to the
        # same ConfigNode shape, so objects are kept as attributes.
        block.attributes[key] = HclAttribute(key, _json_expression(value, line), line)
    return block


def _json_expression(value: Any, line: int) -> hx.Expr:
    if isinstance(value, ConfigNode):
        return hx.ObjectExpr(value.line, tuple(
            (hx.Literal(value.line_of(key), key), _json_expression(item, value.line_of(key)))
            for key, item in value.items()))
    if isinstance(value, MarkedList):
        return hx.TupleExpr(value.line, tuple(
            _json_expression(item, item_line) for item, item_line in zip(value, value.lines)))
    if isinstance(value, list):
        return hx.TupleExpr(line, tuple(_json_expression(item, line) for item in value))
    if isinstance(value, str) and ("${" in value or "%{" in value):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return parse_expression(f'"{escaped}"', line)
    return hx.Literal(line, value)
