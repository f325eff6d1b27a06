"""The tree-sitter reader's text readings (hcl_tree_sitter's simple attributes and block
headers, hcl_tree_sitter_expressions' simple expressions) give exactly the model its
node readings give: same Expr trees, same lines, same errors. Each case is read twice,
the second time with the text readings' patterns matching nothing."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from linter.parsers import hcl_tree_sitter, hcl_tree_sitter_expressions

REPOSITORY = Path(__file__).resolve().parents[1]
TEXT_READINGS = [(hcl_tree_sitter, "_SIMPLE_ATTRIBUTE"), (hcl_tree_sitter, "_BLOCK_HEADER"),
                 (hcl_tree_sitter_expressions, "_SIMPLE")]
NEVER = re.compile(rb"(?!)")


def _outcome(text: str) -> Any:
    try:
        return hcl_tree_sitter.parse_body(text)
    except Exception as error:  # the verdict, compared as the model is
        return type(error).__name__, str(error)


def outcomes_as_is_and_patched(text: str, monkeypatch: pytest.MonkeyPatch,
                               patches: list[tuple[Any, str, Any]]) -> tuple[Any, Any]:
    """The verdict of parse_body on `text`, then with each (module, name, value) of
    `patches` set: a model, or an error's type and message."""
    as_is = _outcome(text)
    with monkeypatch.context() as patched:
        for module, name, value in patches:
            patched.setattr(module, name, value)
        return as_is, _outcome(text)


def _both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    return outcomes_as_is_and_patched(
        text, monkeypatch, [(module, name, NEVER) for module, name in TEXT_READINGS])


def test_every_terraform_file_of_the_repository_reads_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    differing = []
    paths = [path for folder in ("fixtures", "examples", "tests")
             for path in sorted((REPOSITORY / folder).rglob("*.tf"))]
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        from_text, from_nodes = _both_ways(text, monkeypatch)
        if from_text != from_nodes:
            differing.append(str(path.relative_to(REPOSITORY)))
    assert len(paths) > 500 and differing == []


# Values nested to around the reader's limit: a tuple nests three levels, parentheses
# two, so that every leaf meets the limit at each of its distances from it.
NEAR_THE_LIMIT = [f"x = {'[' * tuples}{'(' * parentheses}{value}{')' * parentheses}"
                  f"{']' * tuples}\n"
                  for tuples in range(28, 34) for parentheses in (0, 1, 2)
                  for value in ("null", '"s"', "7", "a", "a.b.c[0].d", "a ? b : c",
                                "{ k = v }", "f(a.b)")]

SHAPES = [
    # names, keywords and traversals
    "x = var\ny = var.a.b\nz = null\nw = true\nv = false\n",
    "x = null.y\ny = true[0]\nz = false.x\n",
    "x = a-b\ny = module.my-module.id\nz = a.b-c\n",
    "x = café.id\ny = a.é\n",
    "x = a[0].b[12][3]\ny = a.0\nz = a[0]\nw = a[*].id\n",
    "x = a[0x1]\ny = a[-1]\nz = a[ 0 ]\n",
    # strings and numbers
    'x = ""\ny = "café ☕"\nz = "a#b // c /* d */"\n',
    'x = "a\\"b"\ny = "$${x}"\nz = "%%{x}"\nw = "a\\nb"\nv = "${a}"\n',
    "x = 007\ny = 1.50\nz = 1e3\nw = 0.0\n",
    f"x = 1{'0' * 5000}\n",
    # comments and spacing
    "x = /* c */ var.a\ny = var.a # c\nz = var.a // c\n",
    "x\t=\tvar.a\ny=1\nz   =   \"s\"\n",
    "x =\n  var.a\n",
    "a-b = 1\n_c = 2\n",
    # objects
    'x = { a = 1, "b" = 2, c: var.c }\n',
    "x = {\n  a =\n    1\n  b\n  = 2\n}\n",
    "x = { a-b = 1, (var.k) = 2, true = 3, null = 4, 5 = 6 }\n",
    'x = { "a" = null.x, b = c[0], d = "e#f" # g\n}\n',
    "x = {\n  a = 1 # one\n  /* two */ b = 2\n}\n",
    "x = { a = { b = { c = var.d } } }\n",
    # conditionals
    'x = a ? b : c\ny = "a?" ? "b:c" : d\nz = a ? b[0] : null\n',
    "x = a ? b : c ? d : e\ny = null.x ? 1 : 2\nz = a ? true.x : 1\n",
    "x = a ?\n  b : c\ny = (a) ? b : c\nz = a ? b : c.d[1]\n",
    # blocks
    'a "b" "c" {}\nd "e" {\n}\nf {\n  x = 1\n}\n',
    'a b c {}\na "b" "c" "d" {}\na "x\\"y" {}\na "${x}" {}\n',
    'a /* c */ "b" {}\na "b" { # c\n  x = 1\n}\na "b" {\n  # c\n}\n',
    'a-b "c" {}\na "" {}\na "é" {\n  b "c" {\n    d = 1\n  }\n}\n',
    "a { b { c { d = 1 } } }\n",
    # repeated attributes: an error either way
    "a = 1\na = var.b\n",
    'b "x" {\n  k = 1\n  k = "two"\n}\n',
]


@pytest.mark.parametrize("text", SHAPES + NEAR_THE_LIMIT)
def test_a_shape_reads_the_same_from_its_text_and_from_its_nodes(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from_text, from_nodes = _both_ways(text, monkeypatch)
    assert from_text == from_nodes


def test_the_text_readings_read_what_they_are_for() -> None:
    # Not only the same: read from the text at all (else the test above proves little).
    patterns = [getattr(module, name) for module, name in TEXT_READINGS]
    assert patterns[0].fullmatch(b'name = var.a.b[0].c')
    assert patterns[1].fullmatch(b'resource "a" "b" {\n  ')
    assert patterns[2].fullmatch(b'"text"') and patterns[2].fullmatch(b"1.5")


HOSTILE = [
    "x = {" + "".join(f"a{i} = 1{' ' * 40}\n{' ' * 40}" for i in range(3000)) + "z = [] }\n",
    "x = [" + "var.a,  \n  " * 5000 + "[]]\n",
    "x = " + "a" * 100_000 + "(1)\n",
    "x = a" + ".b" * 20_000 + "(1)\n",
    "x = " + "a" * 50_000 + " ? " + "b" * 50_000 + " : [c]\n",
    'x = { "' + "k" * 100_000 + '" = 1, y = [] }\n',
    'resource "' + "a" * 100_000 + '" "b" "c" "d" {}\n',
]


def test_the_text_readings_take_linear_time_on_hostile_text() -> None:
    # Each pattern has one way to match a text: a failing match is not retried in
    # every other way of splitting its spaces (catastrophic backtracking).
    started = time.monotonic()
    for text in HOSTILE:
        _outcome(text)
    assert time.monotonic() - started < 10


def test_the_walk_of_the_tree_finds_bodies_behind_comments() -> None:
    # The walk that holds the model to the tree goes from a block's closing brace back
    # to its body: comments between them are the block's nodes, not the body's.
    text = ('a {\n  x = 1\n  # trailing\n}\nb { # c\n  c {\n    y = 2\n  } # after\n'
            '  /* end */\n}\nd {\n# only\n}\ne "f" {}\n')
    root, _ = hcl_tree_sitter.parse_tree(text)
    block_lines, attribute_lines = hcl_tree_sitter._tree_items(root)
    assert sorted(block_lines) == [1, 5, 6, 11, 14] and sorted(attribute_lines) == [2, 7]
    blocks, attributes = hcl_tree_sitter.parse_body(text)
    assert [block.line for block in blocks] == [1, 5, 11, 14] and not attributes
