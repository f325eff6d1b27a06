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
    # Without the padding removed, python-hcl2 reads lines 7 to 13 as heredoc text (the
    # tree-sitter parser reads them right, so the reference parser is forced here).
    monkeypatch.setenv("EPHI_LINT_HCL_PARSER", "python-hcl2")
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


# --- CloudFormation: keys written twice, and the raw count of resources ---------------

DUPLICATE_LOGICAL_ID = '''AWSTemplateFormatVersion: "2010-09-09"
Resources:
  PhiKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: false
  OtherKey:
    Type: AWS::KMS::Key
  PhiKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
'''


def test_a_logical_id_written_twice_is_a_parse_error(tmp_path: Path) -> None:
    # The loader keeps the second PhiKey, whose rotation is on: judging it alone would
    # pass a key the template also declares without rotation.
    result = _scan(tmp_path, {"template.yaml": DUPLICATE_LOGICAL_ID}, "KEY-002")
    assert _problems(result) == [(
        "template.yaml", "error",
        "key PhiKey at line 9 is already defined at line 3: a template must not define a "
        "key twice")]
    assert _findings(result) == []


def test_a_json_template_with_a_repeated_key_is_a_parse_error(tmp_path: Path) -> None:
    text = ('{\n  "Resources": {\n    "PhiKey": {"Type": "AWS::KMS::Key",\n'
            '      "Properties": {"EnableKeyRotation": false, "EnableKeyRotation": true}}\n'
            '  }\n}\n')
    result = _scan(tmp_path, {"template.json": text}, "KEY-002")
    assert _problems(result) == [(
        "template.json", "error",
        "key EnableKeyRotation at line 4 is already defined at line 4: a template must not "
        "define a key twice")]


def test_keys_merged_with_yaml_merge_keys_may_be_overridden() -> None:
    from linter.parsers.documents import parse_documents

    text = ('Defaults: &defaults\n  Type: AWS::KMS::Key\n  Properties: {}\n'
            'Resources:\n  PhiKey:\n    <<: *defaults\n    Type: AWS::KMS::Key\n')
    [template] = parse_documents(text, json_mode=False).cloudformation
    assert template.get("Resources").line_of("PhiKey") == 5


def test_a_resource_the_loader_drops_is_a_parse_error_naming_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.parsers import documents

    load = documents.load_documents

    def dropping_other_key(*args, **kwargs):  # type: ignore[no-untyped-def]
        loaded = load(*args, **kwargs)
        resources = loaded[0].get("Resources")
        del resources.values["OtherKey"], resources.lines["OtherKey"]
        return loaded

    monkeypatch.setattr(documents, "load_documents", dropping_other_key)
    text = DUPLICATE_LOGICAL_ID.split("  PhiKey:\n    Type: AWS::KMS::Key\n    Properties:\n"
                                      "      EnableKeyRotation: true\n")[0]
    result = _scan(tmp_path, {"template.yaml": text}, "KEY-002")
    assert _problems(result) == [
        ("template.yaml", "error", "the resource at line 7 was not read by the YAML parser")]


def test_the_resources_line_census() -> None:
    from linter.parsers.template_census import resources_sections

    text = ('Resources:  # the section\n  Bucket:\n    Type: AWS::S3::Bucket\n'
            '    Properties:\n      Tags: [{Key: a, Value: "b: c"}]\n\n  # a comment\n'
            '  "Quoted": {Type: AWS::SNS::Topic}\n  Fn::ForEach::Topics:\n    - T\n'
            '    - [a]\n    - ${T}: {Type: AWS::SNS::Topic}\n  <<: *merged\n'
            'Outputs:\n  Out: {Value: 1}\n---\nResources: {Flow: {Type: AWS::SNS::Topic}}\n')
    [section] = resources_sections(text)
    assert section.line == 1
    assert section.keys == (("Bucket", 2), ("Quoted", 8), ("Fn::ForEach::Topics", 9))


# --- CloudFormation: declarations CloudFormation itself rejects --------------------------


def _scope_errors(text: str) -> list[tuple[int, str]]:
    from linter.parsers.documents import parse_documents
    from linter.resolve.cloudformation import TemplateScope

    [template] = parse_documents(text, json_mode=False).cloudformation
    return TemplateScope(template).errors


def test_resources_given_as_a_list_are_recognised_and_an_error() -> None:
    text = 'Resources:\n  - PhiKey:\n      Type: AWS::KMS::Key\n'
    assert _scope_errors(text) == [(1, "Resources is a list; CloudFormation expects a mapping "
                                       "of logical ids to resource declarations, so none of "
                                       "them is judged")]
    assert _scope_errors('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
                         '  - Type: AWS::KMS::Key\n')[0][0] == 2


def test_a_template_without_resources_is_an_error() -> None:
    assert _scope_errors('AWSTemplateFormatVersion: "2010-09-09"\nOutputs: {}\n') == [
        (1, "the template has no Resources section; CloudFormation requires at least one "
            "resource")]


BROKEN_DECLARATIONS = '''AWSTemplateFormatVersion: "2010-09-09"
Resources:
  NoType:
    Properties:
      EnableKeyRotation: false
  ListType:
    Type: [AWS::KMS::Key]
  ListProperties:
    Type: AWS::KMS::Key
    Properties:
      - EnableKeyRotation: false
  NullProperties:
    Type: AWS::KMS::Key
    Properties:
  NotAMapping: AWS::KMS::Key
  GoodKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: false
'''


def test_resources_cloudformation_would_reject_are_errors_with_their_lines() -> None:
    assert _scope_errors(BROKEN_DECLARATIONS) == [
        (3, "resource NoType has no Type"),
        (7, "resource ListType has a Type that is not a resource type name "
            "(a non-empty string)"),
        (10, "Properties of resource ListProperties is not a mapping"),
        (14, "Properties of resource NullProperties is not a mapping"),
        (15, "resource NotAMapping is not a mapping with a Type"),
    ]


def test_rejected_declarations_fail_the_scan_and_the_rest_is_judged(tmp_path: Path) -> None:
    result = _scan(tmp_path, {"template.yaml": BROKEN_DECLARATIONS}, "KEY-002")
    assert sorted((problem.path, problem.line, problem.reason)  # type: ignore[attr-defined]
                  for problem in result.errors) == [
        ("template.yaml", 3, "resource NoType has no Type"),
        ("template.yaml", 7, "resource ListType has a Type that is not a resource type name "
                             "(a non-empty string)"),
        ("template.yaml", 10, "Properties of resource ListProperties is not a mapping"),
        ("template.yaml", 14, "Properties of resource NullProperties is not a mapping"),
        ("template.yaml", 15, "resource NotAMapping is not a mapping with a Type"),
    ]
    # Only the declaration CloudFormation accepts is judged.
    assert _findings(result) == [("KEY-002", "fail", "GoodKey", "template.yaml", 19)]


def test_declarations_cloudformation_rejects_are_not_judged() -> None:
    from linter.parsers.documents import parse_documents
    from linter.resolve.cloudformation import TemplateScope

    [template] = parse_documents(BROKEN_DECLARATIONS, json_mode=False).cloudformation
    assert [resource.logical_id for resource in TemplateScope(template).resolved_resources()] \
        == ["GoodKey"]


def test_a_rejected_template_is_not_mistaken_for_a_helm_chart() -> None:
    from linter.parsers.documents import TemplateRejected, parse_documents

    # Dynamic references put `{{` in real templates; the duplicate is still the problem.
    text = DUPLICATE_LOGICAL_ID.replace(
        "    Type: AWS::KMS::Key\n  PhiKey:",
        "    Type: AWS::KMS::Key\n    Properties:\n"
        "      Description: '{{resolve:ssm:/phi/description}}'\n  PhiKey:")
    with pytest.raises(TemplateRejected, match="key PhiKey at line 11 is already defined"):
        parse_documents(text, json_mode=False)


def test_a_rejected_template_with_dynamic_references_fails_the_scan(tmp_path: Path) -> None:
    text = DUPLICATE_LOGICAL_ID.replace(
        "    Type: AWS::KMS::Key\n  PhiKey:",
        "    Type: AWS::KMS::Key\n    Properties:\n"
        "      Description: '{{resolve:ssm:/phi/description}}'\n  PhiKey:")
    result = _scan(tmp_path, {"template.yaml": text}, "KEY-002")
    assert [(problem.path, problem.level) for problem in result.problems] == [
        ("template.yaml", "error")]
