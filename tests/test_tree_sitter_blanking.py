"""tree-sitter parses a copy of each file whose plain string values are blanked
(hcl_tree_sitter.blank_plain_values): the same tree but for the strings' literal nodes,
and the same model, lines and errors as a parse of the file as written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from linter.parsers import hcl_tree_sitter
from linter.parsers.hcl_tree_sitter import blank_plain_values
from tests.test_tree_sitter_text_reading import outcomes_as_is_and_patched

REPOSITORY = Path(__file__).resolve().parents[1]


def _shape(source: bytes) -> tuple[bool, list[tuple[str, int, int, tuple[int, int]]]]:
    """Whether the tree has an error, and each node but the string literals' text nodes
    (absent around blanks), with its bytes and start."""
    root = hcl_tree_sitter._parser().parse(source).root_node
    nodes = []
    pending = [root]
    while pending:
        node = pending.pop()
        if node.type != "template_literal":
            nodes.append((node.type, node.start_byte, node.end_byte, node.start_point))
        pending.extend(reversed(node.children))
    return root.has_error, nodes


def _both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The verdict on `text` as parsed (a blanked copy), then with the copy as written."""
    return outcomes_as_is_and_patched(
        text, monkeypatch, [(hcl_tree_sitter, "blank_plain_values", lambda source: source)])


def test_every_terraform_file_of_the_repository_gives_the_same_tree_and_model(
        monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [path for folder in ("fixtures", "examples", "tests")
             for path in sorted((REPOSITORY / folder).rglob("*.tf"))]
    differing, blanked_files = [], 0
    for path in paths:
        source = path.read_bytes()
        blanked = blank_plain_values(source)
        assert len(blanked) == len(source)
        blanked_files += blanked != source
        try:
            text = source.decode("utf-8")
        except UnicodeDecodeError:
            continue
        blanked_model, model = _both_ways(text, monkeypatch)
        if _shape(blanked) != _shape(source) or blanked_model != model:
            differing.append(str(path.relative_to(REPOSITORY)))
    assert len(paths) > 500 and blanked_files > 300 and differing == []


CASES = {
    "plain values": 'variable "x" {\n  description = "The name, of it!"\n  type = string\n'
                    '  default     = "eu-west-1"\n}\n',
    "templates, escapes, non-ASCII and comments stay": (
        'locals {\n  a = "${var.x}-y"\n  b = "100%"\n  c = "say \\"hi\\""\n'
        '  d = "café"\n  e = "tab\there"\n  f = "x" # a comment\n  g = { h = "i" }\n}\n'),
    "heredoc lines": ('resource "aws_iam_policy" "p" {\n  policy = <<-EOT\n    name = "s3"\n'
                      '    arn = "${aws_s3_bucket.b.arn}"\n    plain = "text"\n  EOT\n'
                      '  name = "after"\n}\n'),
    "block comment": '/*\n  key = "value"\n*/\nx = "y"\n',
    "windows line ends": 'a = "one two"\r\nb = "three"\r\n',
    "labels are not values": 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n',
    "a file with a syntax error": 'x = "fine"\ny = = "broken"\n',
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_written_cases_give_the_same_tree_and_model(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = CASES[name]
    source = text.encode()
    assert _shape(blank_plain_values(source)) == _shape(source)
    blanked_model, model = _both_ways(text, monkeypatch)
    assert blanked_model == model


def test_only_plain_values_alone_on_their_line_are_blanked() -> None:
    source = CASES["templates, escapes, non-ASCII and comments stay"].encode()
    assert blank_plain_values(source) == source
    assert blank_plain_values(CASES["plain values"].encode()) == (
        b'variable "x" {\n  description = "                "\n  type = string\n'
        b'  default     = "         "\n}\n')
    heredoc = blank_plain_values(CASES["heredoc lines"].encode())
    assert b'name = "  "' in heredoc and b'arn = "${aws_s3_bucket.b.arn}"' in heredoc
    assert b'name = "     "' in heredoc  # the attribute after the heredoc


def test_a_syntax_error_is_still_found() -> None:
    with pytest.raises(hcl_tree_sitter.Unsupported):
        hcl_tree_sitter.parse_tree(CASES["a file with a syntax error"])
