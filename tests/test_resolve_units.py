"""Resolvers turn expressions into exact values, and what cannot be known into Unknown.

Covers linter/resolve/terraform.py (ModuleScope over small modules built with
parse_hcl) and linter/resolve/cloudformation.py (TemplateScope over templates built
with load_documents).
"""

from __future__ import annotations

from typing import Any

import pytest

from linter.parsers.terraform import TerraformFile, parse_hcl, parse_variables_file
from linter.parsers.yaml_source import load_documents
from linter.resolve.cloudformation import TemplateScope
from linter.resolve.terraform import ModuleScope
from linter.values import Branches, ConfigNode, EvaluationError, PartialText, ResourceRef, Unknown


def _plain(value: Any) -> Any:
    if isinstance(value, ConfigNode):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


# --- Terraform ----------------------------------------------------------------------

MODULE = '''variable "env" {
  default = "Prod"
}
variable "nodefault" {}
variable "tags" {
  default = { team = "phi" }
}
variable "given" {
  default = "from-default"
}
resource "aws_kms_key" "k" {
  description = "k"
}
resource "aws_s3_bucket" "b" {
  bucket = "phi-${var.env}"
}
data "aws_kms_alias" "phi" {
  name = "alias/phi"
}
'''


def _module(locals_body: str, extra: str = "",
            tfvars: str | None = None) -> tuple[ModuleScope, TerraformFile]:
    """MODULE plus `extra`, with a final locals block holding `locals_body`."""
    parsed = parse_hcl(MODULE + extra + "locals {\n" + locals_body + "}\n", "main.tf")
    variables = parse_variables_file(tfvars, "terraform.tfvars") if tfvars else None
    return ModuleScope("mod", [parsed], variables), parsed


def _scope(locals_body: str, extra: str = "", tfvars: str | None = None) -> ModuleScope:
    return _module(locals_body, extra, tfvars)[0]


def _local(expression: str, extra: str = "", tfvars: str | None = None) -> Any:
    """The value of `local.x = <expression>` in MODULE."""
    scope, parsed = _module(f"  x = {expression}\n", extra, tfvars)
    return scope.evaluate(parsed.blocks[-1].attributes["x"].expression)


def _block(scope: ModuleScope, address: str) -> Any:
    return {block.address: block for block in scope.resolved_blocks()}[address]


def test_locals_chain() -> None:
    scope = _scope('  a = "x"\n  b = "${local.a}-y"\n  c = upper(local.b)\n',
                   extra='resource "aws_x" "r" {\n  name = local.c\n}\n')
    assert _block(scope, "aws_x.r").config.get("name") == "X-Y"


def test_self_referencing_local_is_unknown() -> None:
    assert _local("local.x") == Unknown("local.x refers to itself")


def test_mutually_referencing_locals_are_unknown() -> None:
    scope = _scope("  p = local.q\n  q = local.p\n",
                   extra='resource "aws_x" "r" {\n  v = local.p\n}\n')
    assert _block(scope, "aws_x.r").config.get("v") == Unknown("local.p refers to itself")


def test_undeclared_local() -> None:
    assert _local("local.nope") == Unknown("local.nope is not declared in the scanned files")


def test_variable_default_tfvars_and_missing_value() -> None:
    assert _local("var.env") == "Prod"
    assert _local("var.given", tfvars='given = "from-tfvars"\n') == "from-tfvars"
    assert _local("var.nodefault") == Unknown("var.nodefault has no value (no default, no tfvars)")
    assert _local('var.tags["team"]') == "phi"
    # A missing attribute is an error in Terraform: what try() falls back from.
    assert _local("var.tags.nope") == EvaluationError("attribute nope is not set")


def test_tf_reference_cycle_between_resources_terminates() -> None:
    extra = ('resource "aws_x" "one" {\n  peer = aws_x.two.arn\n}\n'
             'resource "aws_x" "two" {\n  peer = aws_x.one.arn\n}\n')
    scope = _scope("", extra)
    one, two = _block(scope, "aws_x.one"), _block(scope, "aws_x.two")
    assert one.config.get("peer") == ResourceRef("aws_x", "two", "arn")
    assert two.config.get("peer") == ResourceRef("aws_x", "one", "arn")
    # the inner use of the cycle sees an empty block rather than recursing forever
    assert _plain(one.config.get("peer").arguments) == {
        "peer": ResourceRef("aws_x", "one", "arn")}


def test_resource_references() -> None:
    assert _local("aws_kms_key.k.arn") == ResourceRef("aws_kms_key", "k", "arn")
    assert _plain(_local("aws_kms_key.k.arn").arguments) == {"description": "k"}
    assert _local("aws_kms_key.k[0].arn") == ResourceRef("aws_kms_key", "k", "arn")
    assert _local("aws_kms_key.k.id") == ResourceRef("aws_kms_key", "k", "id")
    # an argument read back is the argument's value
    assert _local("aws_s3_bucket.b.bucket") == "phi-Prod"
    assert _local("aws_nope.x.id") == Unknown("aws_nope.x is not declared in the scanned files")


def test_data_source_references() -> None:
    value = _local("data.aws_kms_alias.phi.target_key_arn")
    assert value == ResourceRef("data.aws_kms_alias", "phi", "target_key_arn")
    assert _plain(value.arguments) == {"name": "alias/phi"}
    assert _local("data.aws_kms_alias.nope.arn") == Unknown(
        "data.aws_kms_alias.nope is not declared in the scanned files")


@pytest.mark.parametrize(("expression", "reason"), [
    ("count.index", "count.index is only known per instance"),
    ("each.key", "each.key/each.value are only known per instance"),
    ("each.value.x", "each.key/each.value are only known per instance"),
    ("self.x", "self is only known during provisioning"),
    ("path.cwd", "filesystem paths are not evaluated"),
    ("terraform.workspace", "terraform.workspace is not evaluated"),
    ("module.kms.key_arn", "output of module kms"),
    ("[for s in var.nodefault : s]", "for expression (line 21) over a value that is not known "
                                     "(var.nodefault has no value (no default, no tfvars))"),
    ('nosuch(1)', "function nosuch() is not evaluated"),
])
def test_runtime_values_are_unknown_with_a_reason(expression: str, reason: str) -> None:
    assert _local(expression) == Unknown(reason)


@pytest.mark.parametrize(("expression", "expected"), [
    ("lower(var.env)", "prod"),
    ("upper(\"kms\")", "KMS"),
    ('lookup(var.tags, "team", "none")', "phi"),
    ('lookup(var.tags, "missing", "none")', "none"),
    ('concat(["a"], ["b", "c"])', ["a", "b", "c"]),
    ('concat([["a"], ["b", "c"]]...)', ["a", "b", "c"]),
    ('format("%s-%s", ["x", "y"]...)', "x-y"),
    ('coalesce("", null, "z")', "z"),
    ('coalesce("a", var.nodefault)', "a"),
    ('format("%s-%d-%%", "a", 5)', "a-5-%"),
    ('jsonencode({ a = 1, b = [true, null] })', '{"a":1,"b":[true,null]}'),
    ('jsondecode("{\\"k\\": [1, 2]}")', {"k": [1, 2]}),
    ('try(var.tags.nope, "fallback")', "fallback"),
    ("try(var.tags.missing, var.tags.team)", "phi"),
    ("can(var.env)", True),
    ('length(["a", "b"])', 2),
    ("length(var.tags)", 1),
    ('contains(["a", "b"], "b")', True),
    ('contains(["a", "b"], "c")', False),
    ('join(",", ["a", "b"])', "a,b"),
    ('element(["a", "b", "c"], 4)', "b"),
    ('compact(["a", "", null, "b"])', ["a", "b"]),
    ('tobool("true")', True),
    ("tostring(5)", "5"),
    ('cidrsubnet("10.0.0.0/16", 8, 1)', "10.0.1.0/24"),
    ('flatten([["a"], ["b", ["c"]]])', ["a", "b", "c"]),
    ('replace("aws:kms", ":", "-")', "aws-kms"),
    ('try(lookup(var.tags, "missing"), "fallback")', "fallback"),
])
def test_functions(expression: str, expected: Any) -> None:
    assert _plain(_local(expression)) == expected


def test_merge_later_keys_win() -> None:
    value = _local('merge(var.tags, { env = "p" }, { team = "override" })')
    assert _plain(value) == {"team": "override", "env": "p"}


@pytest.mark.parametrize(("expression", "reason"), [
    ('lookup(var.tags, "missing")',
     "lookup(): the map has no key 'missing' and no default is given"),
    ('coalesce(var.nodefault, "z")', "coalesce() of an unknown value"),
    ('coalesce("", null)', "coalesce(): no non-null, non-empty-string arguments"),
    ("merge(var.tags, var.nodefault)", "merge() of an unknown value"),
    ('format("%s", var.nodefault)', "format() of an unknown value"),
    ('jsondecode("{bad")', "jsondecode(): invalid JSON at line 1 column 2"),
    ("can(var.nodefault)", "can() of an unknown value"),
    ("try(var.tags.a, var.tags.b)", "every argument of try() fails"),
    ("upper(var.nodefault)", "upper() of an unknown value"),
])
def test_functions_with_unknown_arguments(expression: str, reason: str) -> None:
    value = _local(expression)
    assert isinstance(value, Unknown) and value.reason == reason


def test_lookup_in_unknown_map_is_unknown() -> None:
    assert isinstance(_local('lookup(var.nodefault, "k", "none")'), Unknown)


def test_lookup_with_unknown_key_is_unknown() -> None:
    assert isinstance(_local('lookup(var.tags, var.nodefault, "none")'), Unknown)


def test_try_of_a_variable_without_value_is_unknown() -> None:
    assert isinstance(_local('try(var.nodefault, "fallback")'), Unknown)


def test_jsonencode_with_resource_reference_has_placeholder() -> None:
    value = _local('jsonencode({ Statement = [{ Effect = "Deny", '
                   "Resource = aws_s3_bucket.b.arn }] })")
    assert value == '{"Statement":[{"Effect":"Deny","Resource":"${aws_s3_bucket.b.arn}"}]}'


def test_jsonencode_with_unknown_value_is_partial_text() -> None:
    assert _local("jsonencode({ k = var.nodefault })") == PartialText(
        "jsonencode() of partly unknown values", '{"k":"${unknown}"}')


def test_templates_with_unknown_parts_are_partial_text() -> None:
    assert _local('"arn:${var.nodefault}:x"') == PartialText(
        "string interpolates unknown values", "arn:${unknown}:x")
    assert _local('"arn:${aws_kms_key.k.arn}"') == PartialText(
        "string interpolates unknown values", "arn:${aws_kms_key.k.arn}")
    assert _local('"n-${count.index}"') == PartialText(
        "string interpolates unknown values", "n-${unknown}")
    assert _local('"${true}-${3}"') == "true-3"


def test_conditional_with_known_condition() -> None:
    assert _local('var.env == "Prod" ? "yes" : "no"') == "yes"
    assert _local('var.env != "Prod" ? "yes" : "no"') == "no"


def test_conditional_with_unknown_condition_gives_labelled_branches() -> None:
    # MODULE is 19 lines and `locals {` is line 20: the branches sit on lines 21 and 22
    scope, parsed = _module('  x = var.nodefault ? "aws:kms" :\n    "AES256"\n')
    assert scope.evaluate(parsed.blocks[-1].attributes["x"].expression) == Branches(
        ("aws:kms", "AES256"), ("true branch (line 21)", "false branch (line 22)"))


def test_conditional_with_unknown_condition_and_equal_branches() -> None:
    assert _local('var.nodefault ? "x" : "x"') == "x"


def test_nested_conditional() -> None:
    assert _local('var.nodefault ? (var.env == "Prod" ? "kms" : "aes") : "none"') == Branches(
        ("kms", "none"), ("true branch (line 21)", "false branch (line 21)"))


@pytest.mark.parametrize(("expression", "expected"), [
    ("2 * 3 + 1", 7),
    ("7 % 3", 1),
    ("!true", False),
    ("-length([1, 2])", -2),
    ('length(["a"]) > 0', True),
    ("var.nodefault || true", True),
    ("var.nodefault && false", False),
    ("[1, 2] == [1, 2]", True),
    ('{ a = 1 } != { a = 1 }', False),
    ('["a", "b"][1]', "b"),
])
def test_operators(expression: str, expected: Any) -> None:
    assert _local(expression) == expected


@pytest.mark.parametrize(("expression", "reason"), [
    ("!var.nodefault", "operand is not known"),
    ("var.nodefault + 1", "operand of + is not known"),
    ("var.nodefault && true", "operand of && is not known"),
])
def test_operators_with_unknown_operands(expression: str, reason: str) -> None:
    assert _local(expression) == Unknown(reason)


@pytest.mark.parametrize(("expression", "reason"), [
    # Errors Terraform itself reports: what try() falls back from.
    ("1 / 0", "division by zero"),
    ('"a" < 1', "operand must be a decimal representation of a number"),
    ("[1] + [2]", "operand must be a number, not a list"),
    ('["a"][5]', "index 5 is out of range (the list has 1 elements)"),
])
def test_operators_with_invalid_operands_are_errors(expression: str, reason: str) -> None:
    assert _local(expression) == EvaluationError(reason)


def test_object_with_expression_key() -> None:
    assert _plain(_local("{ (var.env) = 1, plain = 2 }")) == {"Prod": 1, "plain": 2}
    assert _local("{ (var.nodefault) = 1 }") == Unknown("object key is not known")


def test_resolved_block_shape_repeated_and_dynamic_blocks() -> None:
    # var.tags has a known default ({team = ...}), so the dynamic block expands.
    extra = '''resource "aws_s3_bucket" "multi" {
  bucket = "x"
  rule {
    id = "1"
  }
  rule {
    id = "2"
  }
  dynamic "tag" {
    for_each = var.tags
    content {
      key = tag.key
    }
  }
}
'''
    block = _block(_scope("", extra), "aws_s3_bucket.multi")
    assert (block.mode, block.type, block.name, block.path, block.line, block.end_line,
            block.module_dir) == ("resource", "aws_s3_bucket", "multi", "main.tf", 20, 34, "mod")
    assert _plain(block.config) == {"bucket": "x", "rule": [{"id": "1"}, {"id": "2"}],
                                    "tag": [{"key": "team"}]}
    assert block.config.lines == {"bucket": 21, "rule": 22, "tag": 28}
    assert [rule.lines for rule in block.config.get("rule")] == [{"id": 23}, {"id": 26}]


def test_resolved_blocks_addresses() -> None:
    assert [(b.address, b.mode, b.line) for b in _scope("").resolved_blocks()] == [
        ("aws_kms_key.k", "resource", 11), ("aws_s3_bucket.b", "resource", 14),
        ("data.aws_kms_alias.phi", "data", 17)]


# --- CloudFormation -----------------------------------------------------------------

TEMPLATE = '''AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: prod
  NoDef:
    Type: String
  Port:
    Type: Number
    Default: 443
Mappings:
  Regions:
    us-east-1:
      Ami: ami-1
    prod:
      Key: alias/prod
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Equals [!Ref Env, dev]
  Unk: !Equals [!Ref NoDef, x]
  Both: !And [!Condition IsProd, !Not [!Condition IsDev]]
  Either: !Or [!Condition IsDev, !Condition Unk]
  EitherTrue: !Or [!Condition IsProd, !Condition Unk]
  AndFalse: !And [!Condition IsDev, !Condition Unk]
  AndUnknown: !And [!Condition IsProd, !Condition Unk]
  NotUnk: !Not [!Condition Unk]
  Selfish: !Condition Selfish
  Region: !Equals [!Ref "AWS::Region", us-east-1]
  NumberText: !Equals [!Ref Port, "443"]
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: k
  DevOnly:
    Type: AWS::S3::Bucket
    Condition: IsDev
    Properties:
      BucketName: dev
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      Value: !Ref Env
'''


def _template(resources: str = "", parameters: dict[str, Any] | None = None) -> TemplateScope:
    [document] = load_documents(TEMPLATE + resources)
    return TemplateScope(document, parameters)


def _property(expression: str, parameters: dict[str, Any] | None = None) -> Any:
    """The value of property `P: <expression>` of a resource added to TEMPLATE."""
    probe = f"  Probe:\n    Type: AWS::SNS::Topic\n    Properties:\n      P: {expression}\n"
    scope = _template(probe, parameters)
    return scope.properties_of("Probe").get("P", "<removed>")


@pytest.mark.parametrize(("expression", "expected"), [
    ("!Ref Env", "prod"),
    ("!Ref Port", 443),
    ("!Ref NoDef", Unknown("parameter NoDef has no Default and no value was given")),
    ("!Ref AWS::Region", Unknown("AWS::Region is known only when deployed")),
    ("!Ref AWS::AccountId", Unknown("AWS::AccountId is known only when deployed")),
    ("!Ref Missing", Unknown("Ref to Missing, which the template does not declare")),
    ("!Ref Key", ResourceRef("AWS::KMS::Key", "Key")),
    ("{Ref: Env}", "prod"),
])
def test_ref(expression: str, expected: Any) -> None:
    assert _property(expression) == expected


def test_ref_to_resource_carries_its_properties() -> None:
    assert _plain(_property("!Ref Key").arguments) == {"Description": "k"}


def test_given_parameter_value_wins_over_default() -> None:
    assert _property("!Ref Env", {"Env": "staging"}) == "staging"
    assert _property("!Ref NoDef", {"NoDef": "given"}) == "given"


def test_no_value_removes_a_key_and_a_list_item() -> None:
    scope = _template("  Probe:\n    Type: AWS::SNS::Topic\n    Properties:\n"
                      "      Gone: !Ref AWS::NoValue\n      Kept: 1\n      List:\n        - a\n"
                      "        - !Ref AWS::NoValue\n        - b\n"
                      "        - !If [IsDev, c, !Ref AWS::NoValue]\n"
                      "      IfGone: !If [IsDev, x, !Ref AWS::NoValue]\n")
    properties = scope.properties_of("Probe")
    assert _plain(properties) == {"Kept": 1, "List": ["a", "b"]}
    assert properties.get("List").lines == [50, 52]


@pytest.mark.parametrize("expression", [
    "!GetAtt Key.Arn",
    "!GetAtt [Key, Arn]",
    '{"Fn::GetAtt": ["Key", "Arn"]}',
    '{"Fn::GetAtt": "Key.Arn"}',
])
def test_getatt_both_forms(expression: str) -> None:
    assert _property(expression) == ResourceRef("AWS::KMS::Key", "Key", "Arn")


def test_getatt_splits_at_first_dot_and_undeclared() -> None:
    assert _property("!GetAtt Bucket.Endpoint.Address") == ResourceRef(
        "AWS::S3::Bucket", "Bucket", "Endpoint.Address")
    assert _property("!GetAtt Nope.Arn") == Unknown(
        "Fn::GetAtt of Nope, which the template does not declare")
    assert _property("!GetAtt [Key]") == Unknown("malformed Fn::GetAtt")


@pytest.mark.parametrize(("expression", "expected"), [
    ('!Sub "bucket-${Env}"', "bucket-prod"),
    ('!Sub "${!Literal}-${Env}"', "${Literal}-prod"),
    ('!Sub ["${A}-${Env}", {A: !Ref Port}]', "443-prod"),
    ('!Sub "arn:${Key.Arn}/x"', PartialText("Fn::Sub of values known only when deployed",
                                            "arn:${AWS::KMS::Key.Key.Arn}/x")),
    ('!Sub "arn:${AWS::Partition}:s3:::x"', PartialText(
        "Fn::Sub of values known only when deployed", "arn:${AWS::Partition}:s3:::x")),
    ('!Sub "${NoDef}"', PartialText("Fn::Sub of values known only when deployed", "${NoDef}")),
    ('!Sub "${Key}"', PartialText("Fn::Sub of values known only when deployed",
                                  "${AWS::KMS::Key.Key}")),
    ("!Sub [1, 2]", Unknown("malformed Fn::Sub")),
])
def test_sub(expression: str, expected: Any) -> None:
    assert _property(expression) == expected


@pytest.mark.parametrize(("expression", "expected"), [
    ("!Join [-, [a, !Ref Env]]", "a-prod"),
    ("!Join [/, [a, !GetAtt Key.Arn]]", PartialText(
        "Fn::Join of values known only when deployed", "a/${AWS::KMS::Key.Key.Arn}")),
    ("!Join [-, !Ref NoDef]", Unknown("Fn::Join of an unknown list")),
    ("!Join [-]", Unknown("malformed Fn::Join")),
    ("!Select [1, [a, b, c]]", "b"),
    ('!Select ["0", !Split [",", "x,y"]]', "x"),
    ("!Select [5, [a]]", Unknown("Fn::Select of unknown values")),
    ('!Split [",", "a,b,c"]', ["a", "b", "c"]),
    ('!Split [",", !Ref NoDef]', Unknown("Fn::Split of unknown values")),
    ("!FindInMap [Regions, !Ref Env, Key]", "alias/prod"),
    ("!FindInMap [Regions, us-east-1, Ami]", "ami-1"),
    ("!FindInMap [Regions, nope, Key]", Unknown("Fn::FindInMap with unknown keys")),
    ("!FindInMap [Regions, !Ref AWS::Region, Ami]", Unknown("Fn::FindInMap with unknown keys")),
    ("!Base64 hi", "aGk="),
    ("!ImportValue shared", Unknown("Fn::ImportValue reads another stack's output")),
    ('!GetAZs ""', Unknown("Fn::GetAZs needs a deployed stack")),
])
def test_other_intrinsics(expression: str, expected: Any) -> None:
    assert _plain(_property(expression)) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("IsProd", True),
    ("IsDev", False),
    ("Unk", Unknown("Fn::Equals of unknown values")),
    ("Both", True),
    ("Either", Unknown("Fn::Or of unknown conditions")),
    ("EitherTrue", True),
    ("AndFalse", False),
    ("AndUnknown", Unknown("Fn::And of unknown conditions")),
    ("NotUnk", Unknown("Fn::Equals of unknown values")),
    ("Selfish", Unknown("condition Selfish refers to itself")),
    ("Region", Unknown("Fn::Equals of unknown values")),
    ("NumberText", True),
    ("Undeclared", Unknown("condition Undeclared is not declared")),
])
def test_conditions(name: str, expected: Any) -> None:
    assert _template().condition(name) == expected


def test_conditions_follow_given_parameters() -> None:
    scope = _template(parameters={"Env": "dev", "NoDef": "x"})
    assert [scope.condition(name) for name in ("IsProd", "IsDev", "Unk", "Either")] == [
        False, True, True, True]


@pytest.mark.parametrize(("expression", "expected"), [
    ("!If [IsProd, aws:kms, AES256]", "aws:kms"),
    ("!If [IsDev, aws:kms, AES256]", "AES256"),
    ("!If [Unk, aws:kms, AES256]", Branches(("aws:kms", "AES256"),
                                            ("condition Unk true", "condition Unk false"))),
    ("!If [Unk, aws:kms, !Ref AWS::NoValue]", Branches(
        ("aws:kms", None), ("condition Unk true", "condition Unk false"))),
    ("!If [IsProd, !Ref Env, other]", "prod"),
    ("!If [IsProd, a]", Unknown("malformed Fn::If")),
])
def test_fn_if(expression: str, expected: Any) -> None:
    assert _property(expression) == expected


def test_resource_with_false_condition_is_skipped() -> None:
    scope = _template()
    assert [(r.logical_id, r.type, r.line, r.properties_line)
            for r in scope.resolved_resources()] == [
        ("Key", "AWS::KMS::Key", 31, 33), ("Bucket", "AWS::S3::Bucket", 40, 42)]
    dev = _template(parameters={"Env": "dev"})
    assert [r.logical_id for r in dev.resolved_resources()] == ["Key", "DevOnly", "Bucket"]


def test_resolved_properties_keep_lines() -> None:
    [key, bucket] = _template().resolved_resources()
    assert (_plain(bucket.properties), bucket.properties.lines) == ({"Value": "prod"},
                                                                    {"Value": 43})
    assert key.metadata is None


def test_cfn_reference_cycle_between_resources_terminates() -> None:
    scope = _template("  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      Peer: !Ref B\n"
                      "  B:\n    Type: AWS::SNS::Topic\n    Properties:\n"
                      "      Peer: !GetAtt A.TopicArn\n")
    assert scope.properties_of("A").get("Peer") == ResourceRef("AWS::SNS::Topic", "B")
    assert scope.properties_of("B").get("Peer") == ResourceRef("AWS::SNS::Topic", "A",
                                                               "TopicArn")


def test_json_template_resolves_like_yaml() -> None:
    text = ('{"Parameters": {"Env": {"Type": "String", "Default": "prod"}},\n'
            ' "Resources": {"B": {"Type": "AWS::S3::Bucket",\n'
            '   "Properties": {"Name": {"Fn::Join": ["-", ["phi", {"Ref": "Env"}]]}}}}}')
    [document] = load_documents(text, json_mode=True)
    [resource] = TemplateScope(document).resolved_resources()
    assert (resource.logical_id, resource.line, _plain(resource.properties)) == (
        "B", 2, {"Name": "phi-prod"})


def test_equals_with_yaml_boolean_matches_string_parameter() -> None:
    [document] = load_documents('Parameters:\n  Flag:\n    Type: String\n    Default: "true"\n'
                                "Conditions:\n  Enabled: !Equals [!Ref Flag, true]\n"
                                "Resources: {}\n")
    assert TemplateScope(document).condition("Enabled") is True


def test_blocks_no_builder_reads_are_evaluated_when_read_and_bounded_first() -> None:
    # contained_blocks with `eager`: the other blocks' configurations are evaluated on
    # first read (most resource types have no builder), and numbers too large to be a
    # setting are Unknown before anything reads them, through a reference too.
    from linter.resolve.terraform import LazyResolvedBlock

    parsed = parse_hcl('resource "null_resource" "n" {\n  triggers = { port = 1' + "0" * 400
                       + ' }\n}\nresource "aws_s3_bucket" "b" {\n  bucket = "x"\n'
                       '  port = null_resource.n.triggers.port\n}\n'
                       'resource "random_id" "unread" {\n  byte_length = 8\n}\n', "main.tf")
    scope = ModuleScope("mod", [parsed])
    problems: list[Any] = []
    blocks = {block.type: block for block in scope.contained_blocks(
        problems, lambda source_type: source_type == "aws_s3_bucket")}
    assert problems == []
    lazy = blocks["null_resource"]
    assert isinstance(lazy, LazyResolvedBlock)
    reference = blocks["aws_s3_bucket"].config.get("port")
    assert isinstance(reference, ResourceRef)
    assert isinstance(reference.arguments.get("triggers").get("port"), Unknown)
    assert isinstance(lazy.config.get("triggers").get("port"), Unknown)
    assert lazy.config is scope.block_config("resource", "null_resource", "n")
    unread = blocks["random_id"]
    assert ("resource", "random_id", "unread", None) not in scope._cache  # never evaluated
    assert unread.config.get("byte_length") == 8
