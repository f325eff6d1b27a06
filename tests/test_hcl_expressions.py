"""The Terraform expression language, evaluated as Terraform does.

Each case is a small module evaluated through ModuleScope, asserting the exact value;
the defects also get an end-to-end scan asserting the exact rule, resource and line.
Expected values for templates, conversions and operators were checked against
Terraform's own evaluator (tfparse) on the same input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from linter.engine import catalogue_directory, load_rules
from linter.parsers import hcl_expressions as hx
from linter.parsers import hcl_template_syntax
from linter.parsers.terraform import (
    TerraformFile,
    parse_hcl,
    parse_json,
    parse_variables_file,
)
from linter.pipeline import ScanRequest, ScanResult, scan
from linter.resolve import hcl_evaluate, hcl_for
from linter.resolve.hcl_operators import LimitReached
from linter.resolve.terraform import ModuleScope
from linter.resolve.variables import command_line_layer
from linter.values import Branches, ConfigNode, EvaluationError, PartialText, ResourceRef, Unknown

RULES = load_rules([catalogue_directory("rules")])

MODULE = '''variable "nodefault" {}
variable "flag" {}
variable "list" {
  default = [{ name = "a", tags = ["x", "y"] }, { name = "b", tags = ["z"] }]
}
variable "map" {
  default = { b = 1, a = 2 }
}
variable "obj" {
  default = { kms = "k", enabled = true }
}
variable "nothing" {
  default = null
}
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
resource "aws_kms_key" "counted" {
  count       = 2
  description = "key ${count.index}"
}
resource "aws_kms_key" "none" {
  count = 0
}
resource "aws_kms_key" "mapped" {
  for_each = toset(["a"])
}
resource "aws_kms_key" "unknown_count" {
  count = var.nodefault
}
'''


def _plain(value: Any) -> Any:
    if isinstance(value, ConfigNode):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _module(text: str, tfvars: str | None = None) -> tuple[ModuleScope, TerraformFile]:
    parsed = parse_hcl(text, "main.tf")
    variables = parse_variables_file(tfvars, "terraform.tfvars") if tfvars else None
    return ModuleScope("mod", [parsed], variables), parsed


def _value(expression: str, extra: str = "", tfvars: str | None = None) -> Any:
    """The value of `local.x = <expression>` in MODULE plus `extra`."""
    scope, parsed = _module(f"{MODULE}{extra}locals {{\n  x = {expression}\n}}\n", tfvars)
    return _plain(scope.evaluate(parsed.blocks[-1].attributes["x"].expression))


def _variable(declaration: str, tfvars: str | None = None, **scope_options: Any) -> Any:
    """The value of var.x, declared by `declaration` (the variable block's body)."""
    parsed = parse_hcl(f'variable "x" {{\n{declaration}\n}}\nlocals {{\n  v = var.x\n}}\n',
                       "main.tf")
    variables = parse_variables_file(tfvars, "terraform.tfvars") if tfvars else None
    scope = ModuleScope("mod", [parsed], scope_options.pop("values", variables),
                        **scope_options)
    return _plain(scope.evaluate(parsed.blocks[-1].attributes["v"].expression))


def _scan(tmp_path: Path, files: dict[str, str], rule_ids: tuple[str, ...]) -> ScanResult:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return scan(ScanRequest(paths=[tmp_path], root=tmp_path,
                            rules=[rule for rule in RULES if rule.id in rule_ids]))


def _findings(result: ScanResult) -> list[tuple[str, str, int, str]]:
    assert not result.problems, result.problems
    return sorted((outcome.rule.id, outcome.status.value, outcome.location.start_line,
                   outcome.resource.address) for outcome in result.outcomes)


def _is_error(value: Any, reason: str) -> bool:
    return isinstance(value, EvaluationError) and value.reason == reason


# --- 1. comparisons with values known only at apply (defect) ------------------------

@pytest.mark.parametrize(("expression", "expected"), [
    ("aws_s3_bucket.logs.id != null", True),
    ("aws_s3_bucket.logs.arn == null", False),
    ("null == aws_s3_bucket.logs.id", False),
    ("[aws_s3_bucket.logs.id] != null", True),
    ('{ bucket = aws_s3_bucket.logs.id } == null', False),
    ('"arn:${aws_s3_bucket.logs.arn}" != null', True),
    ("aws_s3_bucket.logs.bucket != null", True),  # an argument written in the block
    ("aws_s3_bucket.logs.id == aws_s3_bucket.logs.id", True),
    ('[aws_s3_bucket.logs.id, "a"] == [aws_s3_bucket.logs.id, "b"]', False),
])
def test_comparison_with_a_resource_attribute_is_known_when_certain(expression: str,
                                                                    expected: bool) -> None:
    assert _value(expression) is expected


@pytest.mark.parametrize(("expression", "reason"), [
    ('aws_s3_bucket.logs.id == "logs"', "a compared value is not known until apply"),
    ('[aws_s3_bucket.logs.id] == ["logs"]', "a compared value is not known until apply"),
    # a computed attribute: whether it is null is not known
    ("aws_s3_bucket.logs.bucket_domain_name == null",
     "aws_s3_bucket.logs.bucket_domain_name is not known until apply"),
    ("var.nodefault == null", "var.nodefault has no value (no default, no tfvars)"),
    ("aws_s3_bucket.logs.id == aws_kms_key.counted[0].id",
     "a compared value is not known until apply"),
])
def test_other_comparisons_with_unknown_values_are_unknown(expression: str,
                                                           reason: str) -> None:
    assert _value(expression) == Unknown(reason)


def test_local_compared_with_null_feeds_for_each_without_error() -> None:
    value = _value("local.y != null ? [local.y] : []",
                   extra="locals {\n  y = aws_s3_bucket.logs.id\n}\n")
    assert value == [ResourceRef("aws_s3_bucket", "logs", "id")]
    # A collection holding a reference compared: this raised TypeError (JSON of a
    # ResourceRef) and the whole module became one ERROR.
    assert _value("local.ids != null && local.ids != []",
                  extra="locals {\n  ids = [aws_s3_bucket.logs.id]\n}\n") is True


def test_comparisons_with_references_in_for_each_and_count_are_judged(tmp_path: Path) -> None:
    files = {"main.tf": '''resource "aws_s3_bucket" "logs" {
  bucket = "clinic-logs"
}
locals {
  logs = aws_s3_bucket.logs.id
  ids  = [aws_s3_bucket.logs.id]
}
resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  count  = local.ids != [] ? 1 : 0
  bucket = local.logs
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
resource "aws_kms_key" "logs" {
  for_each            = local.logs != null ? toset([local.logs]) : toset([])
  enable_key_rotation = true
}
'''}
    assert _findings(_scan(tmp_path, files, ("ENC-001", "KEY-002"))) == [
        ("ENC-001", "pass", 13, "aws_s3_bucket.logs"),
        ("KEY-002", "pass", 19, "aws_kms_key.logs[*]"),
    ]


# --- 2. for expressions -----------------------------------------------------------------

@pytest.mark.parametrize(("expression", "expected"), [
    ('[for s in ["b", "a"] : upper(s)]', ["B", "A"]),
    ('[for i, s in ["b", "a"] : "${i}=${s}"]', ["0=b", "1=a"]),
    ('{for s in ["p", "q"] : s => s}', {"p": "p", "q": "q"}),
    # maps and objects iterate by key in lexical order
    ("[for k, v in var.map : k]", ["a", "b"]),
    ("[for v in var.map : v]", [2, 1]),
    ("{for k, v in var.map : v => k}", {"2": "a", "1": "b"}),
    ('{for s in ["a", "b", "a"] : s => 1...}', {"a": [1, 1], "b": [1]}),
    ("[for item in var.list : item.name if item.name != \"a\"]", ["b"]),
    ("[for item in var.list : [for tag in item.tags : upper(tag)]]", [["X", "Y"], ["Z"]]),
    ('[for s in [] : s]', []),
    ('[for each in ["shadow"] : each]', ["shadow"]),
])
def test_for_expressions(expression: str, expected: Any) -> None:
    assert _value(expression) == expected


def test_for_expression_over_an_unknown_collection_is_unknown_with_the_reason() -> None:
    assert _value("[for s in var.nodefault : s]") == Unknown(
        "for expression (line 32) over a value that is not known (var.nodefault has no "
        "value (no default, no tfvars))")


def test_for_expression_with_an_unknown_condition_is_unknown_not_a_guess() -> None:
    assert _value('[for s in ["a", "b"] : s if s == "a" || var.flag]') == Unknown(
        "the if condition of the for expression (line 32) is not known (operand of || is "
        "not known)")


@pytest.mark.parametrize(("expression", "reason"), [
    ("[for s in null : s]", "for expression (line 32) over null"),
    ('[for s in "text" : s]', "for expression (line 32) over a str, not a collection"),
    ('{for s in ["a", "a"] : s => 1}', 'duplicate key "a" in the for expression (line 32); '
                                        "add ... after the value to group"),
    ('[for s in ["a"] : s if "yes"]', 'condition must be a bool (or the string "true" or '
                                      '"false")'),
])
def test_for_expression_errors(expression: str, reason: str) -> None:
    assert _is_error(_value(expression), reason)


def test_for_each_filtered_to_nothing_creates_no_instance(tmp_path: Path) -> None:
    files = {"main.tf": '''variable "create" {
  default = false
}
variable "exports" {
  default = ["raw", "derm"]
}
resource "aws_kms_key" "exports" {
  for_each            = toset([for l in var.exports : l if var.create])
  enable_key_rotation = false
}
resource "aws_kms_key" "always" {
  enable_key_rotation = false
}
'''}
    assert _findings(_scan(tmp_path, files, ("KEY-002",))) == [
        ("KEY-002", "fail", 12, "aws_kms_key.always")]
    created = files["main.tf"].replace("default = false", "default = true")
    assert _findings(_scan(tmp_path / "created", {"main.tf": created}, ("KEY-002",))) == [
        ("KEY-002", "fail", 9, 'aws_kms_key.exports["derm"]'),
        ("KEY-002", "fail", 9, 'aws_kms_key.exports["raw"]'),
        ("KEY-002", "fail", 12, "aws_kms_key.always"),
    ]


# --- 3. splats --------------------------------------------------------------------------

@pytest.mark.parametrize(("expression", "expected"), [
    ("var.list[*].name", ["a", "b"]),
    ("var.list.*.name", ["a", "b"]),
    ("var.list[*].tags[0]", ["x", "z"]),  # a full splat applies the index to each
    ("var.list.*.tags[0]", ["x", "y"]),  # the legacy splat applies it to the result
    ("var.obj[*].kms", ["k"]),  # a single value is wrapped in a list
    ("var.nothing[*]", []),
    ("var.nothing[*].name", []),
    ("length(var.list[*])", 2),
])
def test_splats(expression: str, expected: Any) -> None:
    assert _value(expression) == expected


def test_splat_on_a_counted_resource_gives_one_reference_per_instance() -> None:
    scope, parsed = _module(MODULE + "locals {\n  x = aws_kms_key.counted[*].arn\n}\n")
    refs = scope.evaluate(parsed.blocks[-1].attributes["x"].expression)
    assert [(ref.resource_type, ref.name, ref.attribute, ref.arguments.get("description"))
            for ref in refs] == [("aws_kms_key", "counted", "arn", "key 0"),
                                 ("aws_kms_key", "counted", "arn", "key 1")]


@pytest.mark.parametrize(("expression", "expected"), [
    ("aws_s3_bucket.logs[*].arn", [ResourceRef("aws_s3_bucket", "logs", "arn")]),
    ("aws_kms_key.none[*].arn", []),
    ("aws_kms_key.counted.*.id[1]", ResourceRef("aws_kms_key", "counted", "id")),
])
def test_splat_on_resources_without_count_and_with_count_zero(expression: str,
                                                             expected: Any) -> None:
    assert _value(expression) == expected


def test_a_counted_or_for_each_resource_as_a_whole() -> None:
    assert _value("length(aws_kms_key.counted)") == 2
    assert _value("length(aws_kms_key.none)") == 0
    assert _value("[for key in aws_kms_key.counted : key.description]") == ["key 0", "key 1"]
    assert _value("{for name, key in aws_kms_key.mapped : name => key.arn}") == {
        "a": ResourceRef("aws_kms_key", "mapped", "arn")}
    assert _value("[for key in aws_kms_key.unknown_count : key.arn]") == Unknown(
        "for expression (line 32) over a value that is not known (the instances of "
        "aws_kms_key.unknown_count are not known (count or for_each is not known))")


def test_splat_on_a_for_each_resource_or_unknown_count() -> None:
    assert _is_error(_value("aws_kms_key.mapped[*].arn"),
                     "aws_kms_key.mapped uses for_each: a splat over it needs values()")
    assert _value("aws_kms_key.unknown_count[*].arn") == Unknown(
        "the instances of aws_kms_key.unknown_count are not known (count or for_each is not "
        "known)")


# --- 4. template directives ---------------------------------------------------------------

@pytest.mark.parametrize(("expression", "expected"), [
    ('"%{ if var.obj.enabled }on%{ else }off%{ endif }"', "on"),
    ('"%{ if !var.obj.enabled }on%{ endif }"', ""),
    ('"%{ for x in ["a", "b"] ~} ${x}, %{ endfor ~}!"', "a, b, !"),
    ('"a %{~ if true ~} b %{~ endif ~} c"', "abc"),
    ('"%{ for k, v in var.map }${k}=${v};%{ endfor }"', "a=2;b=1;"),
    ('"$${literal} %%{ if }"', "${literal} %{ if }"),
    ('"${4 / 2} ${true} ${1.5}"', "2 true 1.5"),
    ("<<EOT\n%{ for x in [\"a\", \"b\"] }\n- ${x}\n%{ endfor }\nend\nEOT",
     "\n- a\n\n- b\n\nend\n"),
    # <<-: HCL removes the smallest indentation of the literal starting each line; the
    # line whose indentation a ~ stripped counts as unindented (checked with tfparse).
    ("<<-EOT\n    %{ if true }on%{ endif }\n    %{~ for i, n in var.list ~}\n    ${i}=${n.name}"
     "\n    %{ endfor ~}\n  EOT", "    on\n    0=a\n        1=b\n    "),
    ("<<-EOT\n    x\n  %{ if true }yes%{ endif }\n    EOT", "  x\nyes\n"),
    ("<<-EOT\n    line1\n          \n      line2\n    EOT", "line1\n          \n  line2\n"),
    ('<<-EOT\n    x ${jsonencode({\na = 1\n})}\n    y\n    EOT', 'x {"a":1}\ny\n'),
])
def test_template_directives_and_heredocs(expression: str, expected: str) -> None:
    assert _value(expression) == expected


def test_template_interpolating_a_conditional_is_judged_per_branch() -> None:
    value = _value('"policy-${var.flag ? "tls13" : "legacy"}"')
    assert value == Branches(("policy-tls13", "policy-legacy"),
                             ("true branch (line 32)", "false branch (line 32)"))
    assert _value('"x-${var.flag ? "a" : "a"}"') == "x-a"


def test_template_with_unknown_parts_keeps_its_known_text() -> None:
    assert _value('"%{ if var.flag }on%{ endif }-x"') == PartialText(
        "string interpolates unknown values", "${unknown}-x")
    assert _value('"%{ for s in var.nodefault }${s}%{ endfor }"') == Unknown(
        "for directive (line 32) over a value that is not known (var.nodefault has no value "
        "(no default, no tfvars))")


@pytest.mark.parametrize(("expression", "reason"), [
    ('"${var.nothing}-x"', "interpolated value must not be null"),
    ('"a${var.list}"', "interpolated value must be a string, not a list"),
    ('"%{ if "maybe" }x%{ endif }"', 'condition must be a bool (or the string "true" or '
                                     '"false")'),
])
def test_template_errors(expression: str, reason: str) -> None:
    assert _is_error(_value(expression), reason)


@pytest.mark.parametrize(("source", "kind"), [
    ('"%{ if x }a"', "if directive without endif"),
    ('"a%{ endif }"', "template directive endif without its opening directive"),
    ("<<EOT\n%{ for x in y }\nEOT", "for directive without endfor"),
    ("<<EOT\n%{ while x }\nEOT", "unknown template directive"),
])
def test_malformed_templates_are_opaque(source: str, kind: str) -> None:
    parsed = parse_hcl(f"locals {{\n  x = {source}\n}}\n", "main.tf")
    assert parsed.blocks[0].attributes["x"].expression == hx.Opaque(2, kind)


# --- 5. try and can -------------------------------------------------------------------------

@pytest.mark.parametrize(("expression", "expected"), [
    ('try(var.obj.missing, "fb")', "fb"),
    ('try(var.map["missing"], "fb")', "fb"),
    ('try(var.list[5], "fb")', "fb"),
    ('try(var.list[-1], "fb")', "fb"),
    ('try(var.nothing.name, "fb")', "fb"),
    ('try(lower(var.obj.missing), "fb")', "fb"),
    ('try([var.obj.missing], ["fb"])', ["fb"]),
    ('try({ a = var.obj.missing }, "fb")', "fb"),
    ('try("${var.obj.missing}-x", "fb")', "fb"),
    ('try(var.obj.missing == 1, "fb")', "fb"),
    ("try(aws_kms_key.none[0].arn, null)", None),
    ("try(aws_kms_key.counted[5].arn, null)", None),
    ('try(var.list[1].name, "fb")', "b"),
    ('try(var.list["1"].name, "fb")', "b"),
    ("can(var.list[5])", False),
    ("can(var.obj.kms)", True),
    ("can(var.nothing.name)", False),
])
def test_try_falls_back_from_errors(expression: str, expected: Any) -> None:
    assert _value(expression) == expected


def test_index_not_known_is_unknown_not_an_error() -> None:
    assert _value("var.map[var.nodefault]") == Unknown(
        "an index is not known (var.nodefault has no value (no default, no tfvars))")
    assert _value("var.map[aws_s3_bucket.logs.id]") == Unknown(
        "an index is not known (aws_s3_bucket.logs.id)")
    assert _value('try(var.map[var.nodefault], "fb")') == Unknown(
        "an index is not known (var.nodefault has no value (no default, no tfvars))")


def test_try_keeps_a_value_that_is_only_unknown() -> None:
    assert _value('try(var.nodefault, "fb")') == Unknown(
        "var.nodefault has no value (no default, no tfvars)")
    assert _value("can(var.nodefault)") == Unknown("can() of an unknown value")
    # Whether the failing branch is taken is not known, so neither is the fallback.
    assert _value('try(var.flag ? var.obj.missing : "x", "fb")') == Unknown(
        "try() of a conditional whose unknown condition picks between an error and a value")
    assert _is_error(_value("try(var.obj.a, var.obj.b)"), "every argument of try() fails")


def test_try_fallback_is_judged_not_both_branches(tmp_path: Path) -> None:
    files = {"main.tf": '''variable "encryption" {
  default = {}
}
variable "create_key" {
  default = false
}
resource "aws_kms_key" "photos" {
  count               = var.create_key ? 1 : 0
  enable_key_rotation = true
}
resource "aws_s3_bucket" "photos" {
  bucket = "clinic-photos"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "photos" {
  bucket = aws_s3_bucket.photos.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = try(lower(var.encryption.algorithm), "AES256")
      kms_master_key_id = try(aws_kms_key.photos[0].arn, null)
    }
  }
}
'''}
    assert _findings(_scan(tmp_path, files, ("ENC-001",))) == [
        ("ENC-001", "pass", 18, "aws_s3_bucket.photos")]


# --- 6. operators, conversions and null --------------------------------------------------------

@pytest.mark.parametrize(("expression", "expected"), [
    ('"5" + 1', 6),
    ('"5" + 1 == 6', True),
    ('"true" == true', False),
    ('"5" == 5', False),
    ("1 == 1.0", True),
    ("4 / 2", 2),
    ("7 / 2", 3.5),
    ("-5 % 3", -2),
    ("5.5 % 2", 1.5),
    ("0.1 + 0.2", 0.3),  # exact decimal arithmetic, as Terraform's numbers
    ("1 / 3", 0.3333333333333333),
    ('"${0.1 + 0.2} ${1e20}"', "0.3 100000000000000000000"),
    ("123456789012345678901234567890 * 10", 1234567890123456789012345678900),
    ('"5" < 10', True),
    ('-"5"', -5),
    ('!"true"', False),
    ('"true" && true', True),
    ("null == null", True),
    ('[1, "a"] == [1, "a"]', True),
    ("{ a = 1, b = 2 } == { b = 2, a = 1 }", True),
    ("false && var.obj.missing", False),  # short-circuit: the error is not evaluated
    ("true || var.obj.missing", True),
    ("var.nodefault && false", False),
    ('var.flag ? "a" : "a"', "a"),
])
def test_operators_convert_like_terraform(expression: str, expected: Any) -> None:
    value = _value(expression)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(("expression", "reason"), [
    ("1 / 0", "division by zero"),
    ('"a" < 1', "operand must be a decimal representation of a number"),
    ("[1] + [2]", "operand must be a number, not a list"),
    ("null + 1", "operand must not be null"),
    ("!null", "operand must not be null"),
])
def test_invalid_operands_are_errors(expression: str, reason: str) -> None:
    assert _is_error(_value(expression), reason)


def test_numbers_past_the_digit_limit_are_unknown_not_a_crash() -> None:
    huge = "9" * 5000
    assert _value(f'"{huge}" + 1') == LimitReached("number exceeds the 3,900-digit limit")
    squares = "".join(f"  n{i + 1} = local.n{i} * local.n{i}\n" for i in range(14))
    assert _value("local.n14", extra=f"locals {{\n  n0 = 10\n{squares}}}\n") == \
        LimitReached("number exceeds the 3,900-digit limit")


def test_operator_on_branches_judges_each_branch() -> None:
    value = _value('(var.flag ? "a" : "b") == "a"')
    assert value == Branches((True, False), ("true branch (line 32)", "false branch (line 32)"))


def test_null_input_falls_back_to_the_default_only_when_not_nullable() -> None:
    assert _variable('  default = "d"\n  nullable = false', inputs={"x": None}) == "d"
    assert _variable('  default = "d"', inputs={"x": None}) is None
    assert _variable('  default = "d"\n  nullable = false', tfvars="x = null\n") == "d"


def test_null_argument_means_not_set(tmp_path: Path) -> None:
    files = {"main.tf": '''variable "encrypted" {
  default = null
}
resource "aws_ebs_volume" "scratch" {
  availability_zone = "us-east-1a"
  encrypted         = var.encrypted
}
'''}
    # Not set: the provider default (unencrypted) is judged, at the resource's line.
    assert _findings(_scan(tmp_path, files, ("ENC-002",))) == [
        ("ENC-002", "fail", 4, "aws_ebs_volume.scratch")]


# --- 7. optional() defaults in variable types ----------------------------------------------

OBJECT_TYPE = '''  type = object({
    enabled = optional(bool, true)
    kms     = optional(string)
    mode    = string
    nested  = optional(object({ level = optional(number, 3) }), {})
  })'''


def test_optional_defaults_filled_in_a_tfvars_value() -> None:
    assert _variable(OBJECT_TYPE, tfvars='x = { mode = "m", extra = 1 }\n') == {
        "enabled": True, "kms": None, "mode": "m", "nested": {"level": 3}}


def test_optional_defaults_filled_in_the_default_and_a_given_null() -> None:
    declaration = OBJECT_TYPE + '\n  default = { mode = "d", enabled = null }'
    assert _variable(declaration) == {"enabled": True, "kms": None, "mode": "d",
                                      "nested": {"level": 3}}


def test_optional_defaults_in_a_module_input_and_a_command_line_value() -> None:
    given = ConfigNode(1)
    given.set("mode", "m", 1)
    given.set("enabled", "false", 1)  # a string "false" where a bool is wanted
    assert _variable(OBJECT_TYPE, inputs={"x": given}) == {
        "enabled": False, "kms": None, "mode": "m", "nested": {"level": 3}}
    assert _variable(OBJECT_TYPE, values=command_line_layer(['x={ mode = "c" }'])) == {
        "enabled": True, "kms": None, "mode": "c", "nested": {"level": 3}}


@pytest.mark.parametrize(("declaration", "tfvars", "expected"), [
    ("  type = list(object({ on = optional(bool, true) }))", "x = [{}, { on = false }]\n",
     [{"on": True}, {"on": False}]),
    ("  type = map(object({ on = optional(bool, true), n = optional(number) }))",
     'x = { a = {}, b = { n = "5" } }\n',
     {"a": {"on": True, "n": None}, "b": {"on": True, "n": 5}}),
    ("  type = set(string)", 'x = ["b", "a", "b"]\n', ["a", "b"]),
    ("  type = tuple([string, bool])", 'x = [1, "true"]\n', ["1", True]),
    ("  type = number", 'x = "42"\n', 42),
    ("  type = any", 'x = "42"\n', "42"),
])
def test_type_conversions(declaration: str, tfvars: str, expected: Any) -> None:
    assert _variable(declaration, tfvars=tfvars) == expected


def test_tf_json_variable_type_and_template_directive() -> None:
    parsed = parse_json('{"variable": {"x": {"type": "object({a = optional(bool, true), '
                        'b = string})", "default": {"b": "v"}}}, "locals": {"y": "${var.x}", '
                        '"z": "%{ if var.x.a }on%{ endif }"}}', "main.tf.json")
    scope = ModuleScope("mod", [parsed])
    locals_block = parsed.blocks[-1].attributes
    assert _plain(scope.evaluate(locals_block["y"].expression)) == {"a": True, "b": "v"}
    assert scope.evaluate(locals_block["z"].expression) == "on"


def test_optional_default_decides_a_finding(tmp_path: Path) -> None:
    files = {"main.tf": '''variable "volume" {
  type = object({
    encrypted = optional(bool, true)
    size      = number
  })
}
resource "aws_ebs_volume" "scratch" {
  availability_zone = "us-east-1a"
  size              = var.volume.size
  encrypted         = var.volume.encrypted
}
''', "terraform.tfvars": "volume = { size = 10 }\n"}
    assert _findings(_scan(tmp_path, files, ("ENC-002",))) == [
        ("ENC-002", "pass", 10, "aws_ebs_volume.scratch")]


# --- 8. limits ----------------------------------------------------------------------------------

def test_evaluation_budget_ends_in_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hcl_evaluate, "MAX_EVALUATION_STEPS", 500)
    big = ", ".join(["1"] * 400)
    value = _value("[for a in var.list : [for b in local.big : [a, b]]]",
                   extra=f"locals {{\n  big = [{big}]\n}}\n")
    assert value == LimitReached("evaluation stopped at the limit of 500 steps for module mod")


def test_collection_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hcl_for, "MAX_COLLECTION_SIZE", 3)
    assert _value("[for s in [1, 2, 3, 4] : s]") == LimitReached(
        "for expression (line 32) over 4 elements: past the limit of 3 elements")
    assert _value("[for s in [1, 2, 3] : s]") == [1, 2, 3]


def test_long_chain_of_locals_does_not_overflow_the_stack() -> None:
    chain = "".join(f"  l{i} = local.l{i + 1}\n" for i in range(400)) + "  l400 = 1\n"
    assert _value("local.l0", extra=f"locals {{\n{chain}}}\n") == LimitReached(
        "expressions nested deeper than the limit of 120 (locals referring to locals?)")
    assert _value("local.l300", extra=f"locals {{\n{chain}}}\n") == 1


def test_deepest_expression_the_parser_accepts_evaluates() -> None:
    expected: Any = 1
    for _ in range(70):
        expected = [expected]
    assert _value("[" * 70 + "1" + "]" * 70) == expected


def test_template_with_too_many_sequences_is_opaque(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hcl_template_syntax, "MAX_TEMPLATE_SEQUENCES", 3)
    parsed = parse_hcl("locals {\n  x = <<EOT\n${a}${b}${c}${d}${e}\nEOT\n}\n", "main.tf")
    assert parsed.blocks[0].attributes["x"].expression == hx.Opaque(
        2, "template with more than 3 interpolations and directives")


def test_string_doubling_stops_at_the_text_limit() -> None:
    doubling = "".join(f'  s{i + 1} = "${{local.s{i}}}${{local.s{i}}}"\n' for i in range(40))
    value = _value("local.s40", extra=f'locals {{\n  s0 = "{"x" * 64}"\n{doubling}}}\n')
    assert value == LimitReached("string template longer than the limit of 10485760 characters")


# --- 9. function calls ------------------------------------------------------------------------

def test_impure_functions_are_unknown() -> None:
    assert _value("timestamp()") == Unknown("timestamp() is the time of the run")
    assert _value("uuid()") == Unknown("uuid() is random (a new value each run)")


def test_calls_pass_the_module_folder_and_template_rendering(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def library(name: str, args: list[Any], *, base_dir: str | None = None,
                render_template: Any = None) -> Any:
        seen.update(name=name, base_dir=base_dir)
        return render_template(args[0], args[1])

    monkeypatch.setattr(hcl_evaluate, "call", library)
    # The fake library hands the template text straight to the renderer.
    value = _value('templatefile("Hi $${who}%%{ if admin } (admin)%%{ endif }", '
                   '{ who = var.obj.kms, admin = true })')
    assert (value, seen) == ("Hi k (admin)", {"name": "templatefile", "base_dir": "mod"})
    # A template sees only its own variables.
    assert _is_error(_value('templatefile("$${var.obj.kms}", {})'),
                     "var is not a variable of the template")


def test_templatefile_path_from_path_module() -> None:
    assert _value('"${path.module}/policy.tftpl"') == "./policy.tftpl"
    assert _value("path.root") == "."  # a root module's own folder
    assert _value("path.cwd") == Unknown("filesystem paths are not evaluated")
    assert _value("path") == Unknown("filesystem paths are not evaluated")


def test_templatefile_renders_a_policy_from_the_module_folder(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.chdir(tmp_path.parent)  # the module folder is found from the scan root
    template = '''{
  "Version": "2012-10-17",
  "Statement": [
%{ for index, action in actions ~}
    {
      "Effect": "Deny",
      "Principal": "*",
      "Action": "${action}",
      "Resource": "${bucket_arn}/*",
      "Condition": {"Bool": {"aws:SecureTransport": "${secure}"}}
    }%{ if index < length(actions) - 1 },%{ endif }
%{ endfor ~}
  ]
}
'''
    main = '''resource "aws_s3_bucket" "scans" {
  bucket = "clinic-scans"
}
resource "aws_s3_bucket_policy" "scans" {
  bucket = aws_s3_bucket.scans.bucket
  policy = templatefile("${path.module}/deny.json.tftpl", {
    actions    = ["s3:*"]
    bucket_arn = aws_s3_bucket.scans.arn
    secure     = %s
  })
}
'''
    files = {"store/main.tf": main % "false", "store/deny.json.tftpl": template}
    assert _findings(_scan(tmp_path / "pass", files, ("PLN-005",))) == [
        ("PLN-005", "pass", 6, "aws_s3_bucket.scans")]
    files = {"store/main.tf": main % "true", "store/deny.json.tftpl": template}
    assert _findings(_scan(tmp_path / "fail", files, ("PLN-005",))) == [
        ("PLN-005", "fail", 6, "aws_s3_bucket.scans")]
