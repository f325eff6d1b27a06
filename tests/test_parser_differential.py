"""The tree-sitter Terraform reader held to python-hcl2, the reference parser.

Every `.tf` / `.tfvars` file under fixtures/, examples/ and tests/, and a list of tricky
constructs, must give the identical parse model (blocks, labels, lines, end lines,
expression trees with their lines) or the identical error message through both parsers.
Where they differ on purpose, the case is listed below with the side that is right.
benchmarks/parser_agreement.py runs the same comparison over the public corpora.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from linter.parsers import hcl_expressions as hx
from linter.parsers import hcl_tree_sitter, terraform
from linter.parsers.census import likely_item_starts, take_census
from linter.parsers.terraform import (
    TerraformSyntaxError,
    parse_expression,
    parse_hcl,
    parse_variables_file,
)
from tests.conftest import REPOSITORY


def _outcome(text: str, path: str, parser: str) -> Any:
    try:
        if path.endswith(".tfvars"):
            return parse_variables_file(text, path, parser=parser)
        return parse_hcl(text, path, parser=parser)
    except TerraformSyntaxError as error:
        return ("error", str(error))


def _terraform_files(folder: str) -> list[Path]:
    return sorted(path for path in (REPOSITORY / folder).rglob("*")
                  if path.is_file() and (path.suffix == ".tf" or path.name.endswith(".tfvars")))


@pytest.mark.parametrize("folder", ["fixtures", "examples", "tests"])
def test_every_terraform_file_reads_the_same_through_both_parsers(folder: str) -> None:
    files = _terraform_files(folder)
    assert files, f"no Terraform files under {folder}/"
    differing = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # a hostile input; discovery refuses it before any parser runs
        name = str(path.relative_to(REPOSITORY))
        if _outcome(text, name, "python-hcl2") != _outcome(text, name, "tree-sitter"):
            differing.append(name)
    assert differing == []


CONSTRUCTS = [
    'a = "esc \\" \\\\ \\n \\u00e9 $${x} %%{y} $a %b 100%"\n',
    'a = "%{ if x }yes%{ endif }"\n',
    'a = "${x}"\n',
    'a = ""\n',
    'a = "  ${x}  ${y} z "\n',
    'a = "%{for x in y}${x},%{endfor}"\n',
    'a = "a\\tb\\U0001F600 \\q"\n',
    'a = "é ${x} ü"\n',
    'a = x ? 1 : y ? 2 : z ? 3 : 4\n',
    'a = (x ? 1 : 2) ? 3 : 4\n',
    'a = x ? y ? 1 : 2 : 3\n',
    'a = x == "${y}" ? "a" : "b"\n',
    'a = x.*.b[0].c\n',
    'a = x[*].b[0].c\n',
    'a = x[*][*].y\n',
    'a = x.0.y\n',
    'a = x[0][1]\n',
    'a = x.y[*]\n',
    'a = f(x)[0].y\n',
    'a = [for k, v in m : v if k != "a"]\n',
    'a = {for k, v in m : k => v... if v}\n',
    'a = [for v in m: v]\n',
    'a = {\n  # c\n  b = 1 # c\n  "c" = 2,\n  d: 3\n  (e) = 4\n}\n',
    'a = f(\n  1, # c\n  2,\n)\n',
    'a = f(x...)\n',
    'a = provider::aws::f(1)\n',
    'a = 1 + 2 * 3 - 4 / 5 % 6\n',
    'a = a && b || c == d != e < f <= g > h >= i\n',
    'a = !a && -b\n',
    'a = -1\nb = - 1\nc = -1.5\nd = x - -1\ne = 1e3\nf = 1.0e-3\n',
    'a = (1 + 2) * (3)\n',
    'a = (\n  1 +\n  2\n)\n',
    'a = x ? [\n 1\n] : {\n}\n',
    'a = <<EOT\nhello ${x}\n  %{ if y ~}\n  b\n  %{~ endif }\nEOT\n',
    'a = <<-EOT\n    hi\n      ${x}\n    EOT\n',
    'a = <<EOT\n$${x} %%{y}\nEOT\n',
    'resource "a" "b" {\n  x = <<EOT\nk\nEOT   \n}\nresource "c" "d" {}\n',
    'block "a\\"b" label {\n}\nb { a = 1 }\n',
    'a = true\nb = null\nc = false\n',
    '/* c */ a = 1 // x\n# y\n',
    'a = 123456789012345678901234567890\n',
    'a = 1\r\nb = <<EOT\r\nx\r\nEOT\r\n',
    'a = 0x1f\n',  # neither reads hexadecimal: python-hcl2's error message
    'resource "a" "b" {\n  secret = "hunter2\n}\n',  # a syntax error: same message
    "a {\n" * 61 + "}\n" * 61,  # blocks nested too deep
    "a = " + "[" * 100 + "]" * 100 + "\n",  # an expression nested too deep
    "a = x" + ".y" * 2000 + "\n",
    "a = " + "(" * 3000 + "1" + ")" * 3000 + "\n",
]


@pytest.mark.parametrize("text", CONSTRUCTS)
def test_tricky_constructs_read_the_same(text: str) -> None:
    assert _outcome(text, "main.tf", "tree-sitter") == _outcome(text, "main.tf", "python-hcl2")


# Where the two differ on purpose: python-hcl2 rejects valid HCL that Terraform accepts,
# and the tree-sitter reading is the right one (Terraform's).
DELIBERATE = [
    # HCL lets an interpolation strip whitespace (`${~ x ~}`); python-hcl2's grammar has
    # strip markers only in directives.
    ('a = "${~ x ~}  y  %{ for v in m ~}  ${v} %{~ endfor }"\n',
     hx.Template(1, (hx.Variable(1, "x"), "y  ", hx.TemplateFor(
         1, None, "v", hx.Variable(1, "m"), hx.Variable(1, "v"))))),
    # `x -2.5` is a subtraction; python-hcl2's lexer takes `-2.5` as a number after x.
    ("a = x -2.5\n", hx.BinaryOp(1, "-", hx.Variable(1, "x"), hx.Literal(1, 2.5))),
    # An interpolation in a quoted string may span lines.
    ('a = "${x\n}"\n', hx.Variable(1, "x")),
]


@pytest.mark.parametrize(("text", "expected"), DELIBERATE)
def test_where_python_hcl2_rejects_valid_hcl_tree_sitter_is_right(text: str,
                                                                   expected: hx.Expr) -> None:
    assert isinstance(_outcome(text, "main.tf", "python-hcl2"), tuple)
    [attribute] = parse_variables_file(text, "t.tfvars", parser="tree-sitter").values()
    assert (attribute.name, attribute.line, attribute.expression) == ("a", 1, expected)


def test_the_default_parser_is_tree_sitter_and_python_hcl2_can_be_chosen(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(terraform.PARSER_VARIABLE, raising=False)
    assert terraform.selected_parser() == "tree-sitter"
    monkeypatch.setenv(terraform.PARSER_VARIABLE, "python-hcl2")
    assert terraform.selected_parser() == "python-hcl2"

    def never(text: str) -> Any:
        raise AssertionError("tree-sitter must not run")

    monkeypatch.setattr(hcl_tree_sitter, "parse_body", never)
    [block] = parse_hcl('resource "aws_kms_key" "k" {\n  x = 1\n}\n', "main.tf").blocks
    assert (block.type, block.labels, block.line, block.end_line,
            block.attributes["x"].expression) == (
        "resource", ["aws_kms_key", "k"], 1, 3, hx.Literal(2, 1))
    monkeypatch.setenv(terraform.PARSER_VARIABLE, "lark")
    with pytest.raises(TerraformSyntaxError,
                       match="EPHI_LINT_HCL_PARSER='lark' is not one of tree-sitter, "
                             "python-hcl2"):
        parse_hcl("a = 1\n", "main.tf")


def test_what_tree_sitter_cannot_vouch_for_is_read_by_python_hcl2(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(terraform.PARSER_VARIABLE, raising=False)
    # A syntax error tree-sitter recovers from is python-hcl2's to report, with its
    # message (a position, never the text there).
    with pytest.raises(TerraformSyntaxError) as caught:
        parse_hcl('resource "a" "b" {\n  secret = "hunter2\n}\n', "main.tf")
    assert str(caught.value) == "invalid HCL at line 2, column 13: unexpected end of file"

    # Any construct the reader does not know goes to python-hcl2 too: the model is the
    # reference parser's.
    def unsupported(text: str) -> Any:
        raise hcl_tree_sitter.Unsupported("test")

    monkeypatch.setattr(hcl_tree_sitter, "parse_body", unsupported)
    [block] = parse_hcl('resource "a" "b" {\n  x = var.y\n}\n', "main.tf").blocks
    assert block.attributes["x"].expression == hx.GetAttr(2, hx.Variable(2, "var"), "y")
    assert parse_expression("var.z", 7) == hx.GetAttr(7, hx.Variable(7, "var"), "z")
    assert parse_expression("var.", 7) == hx.Opaque(7, "unparsable expression")


def test_the_tree_sitter_reading_is_held_against_its_tree(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A reader that drops part of the tree is an error naming what it lost (the census
    # names the outermost lost items, as for python-hcl2).
    monkeypatch.delenv(terraform.PARSER_VARIABLE, raising=False)
    reader = hcl_tree_sitter.parse_body_node

    def dropping_nested_blocks(body: Any, depth: int, limit: int) -> Any:
        blocks, attributes = reader(body, depth, limit)
        return (blocks if depth == 0 else []), attributes

    monkeypatch.setattr(hcl_tree_sitter, "parse_body_node", dropping_nested_blocks)
    with pytest.raises(TerraformSyntaxError,
                       match="the block at line 2 was not read by the HCL parser"):
        parse_hcl('resource "a" "b" {\n  dynamic "x" {\n  }\n}\n', "main.tf")


def test_expressions_of_templates_are_read_by_tree_sitter(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(terraform.PARSER_VARIABLE, raising=False)
    expected = hx.Conditional(4, hx.Variable(4, "a"), hx.Literal(4, 1), hx.Call(
        4, "f", (hx.Splat(4, hx.Variable(4, "b"), ("id",)),), False))
    assert parse_expression("a ? 1 : f(b[*].id)", 4) == expected
    assert parse_expression("a ? 1 : f(b[*].id)", 4, parser="python-hcl2") == expected


@pytest.mark.parametrize("folder", ["fixtures", "examples", "tests"])
def test_a_large_file_read_in_runs_of_items_reads_the_same(folder: str,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """Every file parsed one top-level item at a time (the memory-bounded path large
    files take) gives the model (or error) of the whole-file parse."""
    differing = []
    for path in _terraform_files(folder):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        name = str(path.relative_to(REPOSITORY))
        whole = _outcome(text, name, "tree-sitter")
        monkeypatch.setattr(terraform, "CHUNKED_PARSE_MIN_CHARS", -1)
        monkeypatch.setattr(terraform, "CHUNK_CHARS", 1)
        in_runs = _outcome(text, name, "tree-sitter")
        monkeypatch.undo()
        if whole != in_runs:
            differing.append(name)
    assert differing == []


@pytest.mark.parametrize("folder", ["fixtures", "examples", "tests"])
def test_the_census_agrees_with_the_tree_sitter_reading(folder: str) -> None:
    """The tree-sitter path no longer takes the census of the raw text (a third of its
    parse time): held here instead, on every file, it finds nothing the tree lacks."""
    disagreeing = []
    for path in _terraform_files(folder):
        try:
            text = path.read_text(encoding="utf-8")
            blocks, attributes = hcl_tree_sitter.parse_body(text)
        except (UnicodeDecodeError, hcl_tree_sitter.Unsupported, TerraformSyntaxError,
                RecursionError):
            continue  # python-hcl2's to read, held against the census there
        try:
            terraform.hold_against_census(take_census(text), blocks, attributes)
        except TerraformSyntaxError as error:
            disagreeing.append((str(path.relative_to(REPOSITORY)), str(error)))
    assert disagreeing == []


# Heredoc closing lines around which the census and a parser could disagree: where the
# heredoc ends decides which of the following lines are blocks (issue 7).
_HEREDOC_LINES = ["hello", "  EOT", "EOT  ", "foo EOT", "EOTX", "XEOT", " EOT x", "\tEOT",
                  "EOT\t", "${a}EOT", "$${EOT", "# EOT", "EOT # c", "", "E OT"]


@pytest.mark.parametrize("opener", ["<<EOT", "<<-EOT"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_tree_sitter_ends_heredocs_where_the_census_does(opener: str, newline: str) -> None:
    read = 0
    for first in _HEREDOC_LINES:
        for second in _HEREDOC_LINES:
            text = newline.join([f"x = {opener}", first, second, "EOT", "y = 1",
                                 'resource "a" "b" {', "  z = 2", "}", ""])
            try:
                blocks, attributes = hcl_tree_sitter.parse_body(text)
            except hcl_tree_sitter.Unsupported:
                continue  # a syntax error to tree-sitter: python-hcl2 and the census decide
            terraform.hold_against_census(take_census(text), blocks, attributes)
            assert parse_hcl(text, "main.tf", "tree-sitter") \
                == parse_hcl(text, "main.tf", "python-hcl2")
            read += 1
    assert read > len(_HEREDOC_LINES) ** 2 / 2


REPEATED = [
    ('a = 1\na = 2\n', "attribute a at line 2 is already defined at line 1"),
    ('b "x" {\n  c {\n    k = 1\n    k = 2\n  }\n  k = 3\n  k = 4\n}\na = 1\na = 2\n',
     "attribute k at line 4 is already defined at line 3"),
    ('a = 1\nb {\n  a = 1\n}\nc {\n  a = 1\n}\nb {\n  a = 1\n}\nd = 1\nd = 2\n',
     "attribute d at line 12 is already defined at line 11"),
    ('a = 1\nb { x = {\n  a = 1\n  a = 2\n} }\n', None),  # an object's keys: not attributes
    ('a = 1\n' + "b {\n" * 61 + "}\n" * 61 + 'a = 2\n', None),  # nesting first
]


@pytest.mark.parametrize(("text", "message"), REPEATED)
@pytest.mark.parametrize("in_runs", [False, True])
def test_repeated_attributes_are_found_in_the_tree_as_in_the_census(
        text: str, message: str | None, in_runs: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _outcome(text, "main.tf", "python-hcl2")
    if message is not None:
        assert expected == ("error", message)
    if in_runs:  # one top-level item per run: repeats across runs are found too
        monkeypatch.setattr(terraform, "CHUNKED_PARSE_MIN_CHARS", -1)
        monkeypatch.setattr(terraform, "CHUNK_CHARS", 1)
    assert _outcome(text, "main.tf", "tree-sitter") == expected
    assert _outcome(text, "t.tfvars", "tree-sitter") == _outcome(text, "t.tfvars", "python-hcl2")


# Lines that start as top-level items do inside a heredoc or a comment: a run cut there
# ends inside it, and the file is cut again at the census's top-level items.
IN_RUNS = [
    ('x = <<EOT\nfoo = 1\nbar "a" {\nEOT\nresource "a" "b" {\n  k = 1\n}\n', True),
    # after the cut, `EOT` and the next block read as one block "EOT": the run before
    # the cut still ends inside the heredoc
    ('x = <<EOT\nfoo = 1\nEOT\nresource "a" "b" {\n}\n', True),
    ('/* a comment\nresource "x" "y" {\n*/\nresource "a" "b" {\n  k = 1\n}\n', True),
    ('a = 1\nresource "a" "b" {\n  k = <<-EOT\n    v\n    EOT\n}\nb = 2\n', False),
]


@pytest.mark.parametrize(("text", "census_needed"), IN_RUNS)
def test_runs_cut_inside_an_item_are_cut_again_at_the_census_items(
        text: str, census_needed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _outcome(text, "main.tf", "tree-sitter")
    censuses = []
    monkeypatch.setattr(terraform, "take_census",
                        lambda text: censuses.append(text) or take_census(text))
    monkeypatch.setattr(terraform, "CHUNKED_PARSE_MIN_CHARS", -1)
    monkeypatch.setattr(terraform, "CHUNK_CHARS", 1)
    assert _outcome(text, "main.tf", "tree-sitter") == whole
    assert len(censuses) == (1 if census_needed else 0)


def test_a_run_ending_in_a_heredoc_is_read_by_tree_sitter(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # tree-sitter ends a heredoc only at a newline after its marker: a run cut before
    # that newline was a syntax error, and a large file went whole to python-hcl2.
    text = 'a = <<EOT\nv\nEOT\nresource "a" "b" {\n  k = <<-EOT\n    w\n    EOT\n}\nb = 1\n'
    whole = _outcome(text, "main.tf", "tree-sitter")

    def never(*args: Any) -> Any:
        raise AssertionError("python-hcl2 must not run")

    monkeypatch.setattr(terraform, "_read_with_python_hcl2", never)
    monkeypatch.setattr(terraform, "take_census", never)
    monkeypatch.setattr(terraform, "CHUNKED_PARSE_MIN_CHARS", -1)
    monkeypatch.setattr(terraform, "CHUNK_CHARS", 1)
    assert _outcome(text, "main.tf", "tree-sitter") == whole


def test_likely_item_starts_are_lines_starting_as_items_at_their_first_column() -> None:
    text = ('a = 1\nb {\n  c = 2\n}\n\nx = <<EOT\nfoo = 1\nEOT\nd "x" y {}\n'
            'e == 1\nf => 2\n  g = 3\nh\n')
    assert likely_item_starts(text) == [(2, 6), (6, 21), (7, 31), (9, 43)]
    assert likely_item_starts("\nz = 1\r\nw = 2") == [(2, 1), (3, 8)]
