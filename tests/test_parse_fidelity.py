"""Nothing a file holds is lost silently in parsing: what the parser returns is held
against an independent census of the raw text, and templates CloudFormation itself
would reject are reported, never skipped."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from linter.engine import catalogue_directory, load_rules
from linter.parsers import census as census_module
from linter.parsers import terraform as terraform_parser
from linter.parsers.census import take_census, without_padded_heredoc_closings
from linter.parsers.terraform import TerraformSyntaxError, parse_hcl, parse_variables_file
from linter.pipeline import ScanRequest, ScanResult, scan

RULES = load_rules([catalogue_directory("rules")])


@pytest.fixture(autouse=True)
def _no_parse_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests that patch the parser must really parse: a cached result would hide the patch.
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")


def _scan(tmp_path: Path, files: dict[str, str], rule_id: str) -> ScanResult:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, newline="")
    return scan(ScanRequest(paths=[tmp_path], root=tmp_path, workers=1,
                            rules=[rule for rule in RULES if rule.id == rule_id]))


def _findings(result: ScanResult) -> list[tuple[str, str, str, str, int]]:
    return sorted((outcome.rule.id, outcome.status.value, outcome.resource.address,
                   outcome.location.path, outcome.location.start_line)
                  for outcome in result.outcomes)


def _problems(result: ScanResult) -> list[tuple[str, str, str]]:
    return sorted((problem.path, problem.level, problem.reason) for problem in result.problems)


# --- Terraform: a heredoc closing marker with trailing spaces -----------------------

PADDED_HEREDOC = (
    'resource "aws_kms_key" "first" {\n'                    # 1
    "  enable_key_rotation = false\n"                       # 2
    "}\n"                                                   # 3
    'resource "aws_kms_key" "middle" {\n'                   # 4
    "  policy = <<POLICY\n"                                 # 5
    '{"Version": "2012-10-17", "Statement": []}\n'          # 6
    "POLICY   \n"                                           # 7: Terraform accepts the spaces
    "  enable_key_rotation = false\n"                       # 8
    "}\n"                                                   # 9
    'resource "aws_kms_key" "last" {\n'                     # 10
    "  policy = <<POLICY\n"                                 # 11
    '{"Version": "2012-10-17", "Statement": []}\n'          # 12
    "POLICY\n"                                              # 13
    "  enable_key_rotation = false\n"                       # 14
    "}\n"                                                   # 15
)


def test_heredoc_closing_marker_with_trailing_spaces_keeps_every_block(
        tmp_path: Path) -> None:
    result = _scan(tmp_path, {"main.tf": PADDED_HEREDOC}, "KEY-002")
    assert _problems(result) == []
    assert _findings(result) == [
        ("KEY-002", "fail", "aws_kms_key.first", "main.tf", 2),
        ("KEY-002", "fail", "aws_kms_key.last", "main.tf", 14),
        ("KEY-002", "fail", "aws_kms_key.middle", "main.tf", 8),
    ]


def test_the_padded_heredoc_keeps_its_value_and_every_line() -> None:
    parsed = parse_hcl(PADDED_HEREDOC, "main.tf")
    assert [(block.labels[1], block.line, block.end_line) for block in parsed.blocks] == [
        ("first", 1, 3), ("middle", 4, 9), ("last", 10, 15)]
    middle = parsed.blocks[1]
    assert middle.attributes["policy"].expression.value == (  # type: ignore[attr-defined]
        '{"Version": "2012-10-17", "Statement": []}\n')
    assert middle.attributes["enable_key_rotation"].line == 8


@pytest.mark.parametrize("closing", ["POLICY \t", "  POLICY  ", "POLICY  \r"])
def test_padded_closing_markers_in_every_form(closing: str) -> None:
    text = (f'resource "a" "b" {{\n  p = <<-POLICY\n  x\n{closing}\n}}\n'
            f'resource "a" "c" {{\n  p = <<POLICY\nx\nPOLICY\n}}\n')
    parsed = parse_hcl(text, "main.tf")
    assert [(block.labels[1], block.line) for block in parsed.blocks] == [("b", 1), ("c", 6)]


def test_padding_is_removed_only_on_closing_marker_lines() -> None:
    text = 'x = <<EOT\nkeep  \nEOT  \ny = "EOT  "\n'
    census = take_census(text)
    assert census.padded_heredoc_closings == (3,)
    assert without_padded_heredoc_closings(text, census) == 'x = <<EOT\nkeep  \nEOT\ny = "EOT  "\n'


# --- Terraform: the census of blocks, held against the parser ------------------------


def test_a_block_the_parser_drops_is_a_parse_error_naming_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = terraform_parser._body

    def dropping_the_second_block(tree, depth):  # type: ignore[no-untyped-def]
        blocks, attributes = body(tree, depth)
        return ([block for index, block in enumerate(blocks) if index != 1] if depth == 0
                else blocks), attributes

    monkeypatch.setattr(terraform_parser, "_body", dropping_the_second_block)
    result = _scan(tmp_path, {"main.tf": PADDED_HEREDOC}, "KEY-002")
    assert _problems(result) == [
        ("main.tf", "error", "the block at line 4 was not read by the HCL parser")]
    assert _findings(result) == []


def test_the_census_catches_the_swallowing_heredoc_whatever_parser_is_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the padding removed, python-hcl2 reads lines 7 to 13 as heredoc text.
    monkeypatch.setattr(terraform_parser, "without_padded_heredoc_closings",
                        lambda text, census: text)
    result = _scan(tmp_path, {"main.tf": PADDED_HEREDOC}, "KEY-002")
    assert _problems(result) == [(
        "main.tf", "error",
        "the block at line 10 and the attribute at line 8 were not read by the HCL parser")]
    assert _findings(result) == []


def test_a_repeated_attribute_is_a_parse_error(tmp_path: Path) -> None:
    # Terraform rejects it ("Attribute redefined"); a parser keeping one value would
    # judge whichever it kept.
    text = 'resource "aws_kms_key" "k" {\n  enable_key_rotation = false\n' \
           '  enable_key_rotation = true\n}\n'
    result = _scan(tmp_path, {"main.tf": text}, "KEY-002")
    assert _problems(result) == [(
        "main.tf", "error", "attribute enable_key_rotation at line 3 is already defined at line 2")]


def test_variables_files_are_held_against_the_census_too() -> None:
    with pytest.raises(TerraformSyntaxError, match="already defined at line 1"):
        parse_variables_file("rotate = false\nrotate = true\n", "terraform.tfvars")


CENSUS_SOURCE = '''# a comment with "quotes" and { braces
// another { comment
/* a block comment
resource "not" "counted" {
*/
resource "aws_s3_bucket" "phi" {
  bucket = "phi-${var.env}-{not a block}"
  policy = jsonencode({ Statement = [{ Effect = "Allow" }] })
  tags = {
    Name = "a } brace"
  }
  rule = "${join("}", ["a", "b"])}"
  escaped = "$${not.interpolated} %%{ not a directive } \\"quoted\\""
  heredoc = <<-EOT
    resource "inside" "heredoc" {
    EOT
  lifecycle_rule { enabled = true }
  dynamic "grant" {
    for_each = var.grants
    content {
      id = grant.value
    }
  }
}
locals {
  division = 4 / 2 # a comment after an expression
  conditional = (var.a
    ? 1
    : 2)
}
'''


def test_census_counts_blocks_and_attributes_at_their_lines() -> None:
    census = take_census(CENSUS_SOURCE)
    assert [(item.kind, item.name, item.line, item.depth, item.parent_line)
            for item in census.items] == [
        ("block", "resource", 6, 0, None),
        ("attribute", "bucket", 7, 1, 6),
        ("attribute", "policy", 8, 1, 6),
        ("attribute", "tags", 9, 1, 6),
        ("attribute", "rule", 12, 1, 6),
        ("attribute", "escaped", 13, 1, 6),
        ("attribute", "heredoc", 14, 1, 6),
        ("block", "lifecycle_rule", 17, 1, 6),
        ("attribute", "enabled", 17, 2, 17),
        ("block", "dynamic", 18, 1, 6),
        ("attribute", "for_each", 19, 2, 18),
        ("block", "content", 20, 2, 18),
        ("attribute", "id", 21, 3, 20),
        ("block", "locals", 25, 0, None),
        ("attribute", "division", 26, 1, 25),
        ("attribute", "conditional", 27, 1, 25),
    ]
    assert [item.line for item in census.top_level_blocks()] == [6, 25]
    parse_hcl(CENSUS_SOURCE, "main.tf")  # and python-hcl2 reads the same


def test_census_survives_unclosed_constructs_and_deep_nesting() -> None:
    for text in ('x = "unclosed\ny = 1\n', "x = <<EOT\nnever closed\n", "/* open",
                 "x = " + "[" * 50_000 + "\n", "a {\n" * 5_000):
        take_census(text)  # no exception, no recursion limit
    assert [item.line for item in take_census('x = "unclosed\ny = 1\n').items] == [1, 2]


def test_census_module_has_no_parser_dependency() -> None:
    # Independent means independent: the census reads the raw text with the standard
    # library only, never a parser's output.
    tree = ast.parse(Path(census_module.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert imported == {"__future__", "bisect", "dataclasses", "re"}
