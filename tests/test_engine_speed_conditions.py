"""Conditions compiled once per rule judge as the rule reads: Kleene combinators pick the
deciding leaf, values are compared after their line marks are stripped, and a rule that
cannot be compiled is an ERROR outcome when judged, never a stopped scan."""

from __future__ import annotations

from linter.conditions import Status, compile_condition, evaluate
from linter.engine import Evaluator, Rule
from linter.models.aws.ec2 import Volume
from linter.models.base import Field, FieldState, SourceLocation
from linter.values import Branches, ConfigNode


class _Subject:
    def __init__(self, **fields: Field) -> None:
        self.__dict__.update(fields)


ON = Field(True, FieldState.SET, "encrypted", 3)
OFF = Field(False, FieldState.SET, "encrypted", 4)
ABSENT = Field.absent("kms_key_id")
UNKNOWN = Field("x", FieldState.UNKNOWN, "kms_key_id", 5, reason="var.key")


def _verdict(condition: dict, **fields: Field) -> tuple[str, int | None, str]:
    verdict = evaluate(condition, _Subject(**fields))
    return verdict.status.value, verdict.field.line if verdict.field else None, verdict.detail


def test_all_names_the_first_failure_then_the_first_unknown() -> None:
    condition = {"all": [{"field": "a", "equals": True}, {"field": "b", "exists": True},
                         {"field": "c", "equals": True}]}
    assert _verdict(condition, a=UNKNOWN, b=ABSENT, c=OFF) == (
        "fail", None, "`kms_key_id` is not set")
    assert _verdict(condition, a=ON, b=UNKNOWN, c=ON) == (
        "unknown", 5, "`kms_key_id` is not known (var.key)")
    assert _verdict(condition, a=ON, b=ON, c=ON) == ("pass", 3, "`encrypted` is true")


def test_any_points_at_the_first_written_alternative_when_all_fail() -> None:
    condition = {"any": [{"field": "a", "exists": True}, {"field": "b", "equals": True}]}
    assert _verdict(condition, a=ABSENT, b=OFF) == ("fail", 4, "`encrypted` is false")
    assert _verdict(condition, a=ABSENT, b=UNKNOWN) == (
        "unknown", 5, "`kms_key_id` is not known (var.key)")


def test_not_flips_pass_and_fail_and_keeps_unknown() -> None:
    condition = {"not": {"field": "a", "equals": True}}
    assert _verdict(condition, a=ON) == ("fail", 3, "`encrypted` is true")
    assert _verdict(condition, a=UNKNOWN)[0] == "unknown"


def test_values_are_compared_without_their_line_marks() -> None:
    node = ConfigNode(7)
    node.values["mode"] = "aws:kms"
    listed = Field([node], FieldState.SET, "rule", 7)
    assert _verdict({"field": "a", "contains": {"mode": "aws:kms"}}, a=listed) == (
        "pass", 7, '`rule` is [{"mode": "aws:kms"}]')
    assert _verdict({"field": "a", "gte": 2}, a=Field("3", FieldState.SET, "n", 1)) == (
        "pass", 1, '`n` is "3"')
    assert _verdict({"field": "a", "in": ["TLSv1.2"]},
                    a=Field.default("TLSv1", "min_tls", "AWS default")) == (
        "fail", None, '`min_tls` is not set (AWS default: "TLSv1")')


def test_branches_are_judged_one_by_one() -> None:
    field = Field(Branches((True, False), ("var.prod", "!var.prod")), FieldState.SET, "e", 9)
    assert _verdict({"field": "a", "equals": True}, a=field) == (
        "fail", 9, "!var.prod: `e` is false")


def test_a_compiled_condition_is_reused_across_subjects() -> None:
    judge = compile_condition({"field": "a", "equals": True})
    assert [judge(_Subject(a=field)).status for field in (ON, OFF, UNKNOWN)] == [
        Status.PASS, Status.FAIL, Status.UNKNOWN]


def _rule(condition: dict) -> Rule:
    return Rule(id="ENC-900", title="volume encrypted", severity="high",
                category="encryption-at-rest", hipaa=("164.312(a)(2)(iv)",), rationale="",
                message="{resource} is not encrypted", models=("aws.ec2.Volume",),
                condition=condition, remediation={})


def test_a_rule_that_cannot_be_judged_is_an_error_outcome_for_each_model() -> None:
    volumes = [Volume(address=f"aws_ebs_volume.{name}", source_type="aws_ebs_volume",
                      source_format="terraform", location=SourceLocation("main.tf", line, line),
                      encrypted=ON, kms_key=ABSENT) for name, line in (("a", 1), ("b", 9))]
    broken = [_rule({"field": "encrypted"}),  # no operator
              _rule({"field": "kms_key", "check": "no_such_check"})]
    outcomes = Evaluator(broken).evaluate(volumes)
    assert [(o.resource.address, o.status.value, o.message.split(" (")[0]) for o in outcomes] == [
        ("aws_ebs_volume.a", "error", "rule ENC-900 failed on aws_ebs_volume.a: internal error"),
        ("aws_ebs_volume.a", "error", "rule ENC-900 failed on aws_ebs_volume.a: internal error"),
        ("aws_ebs_volume.b", "error", "rule ENC-900 failed on aws_ebs_volume.b: internal error"),
        ("aws_ebs_volume.b", "error", "rule ENC-900 failed on aws_ebs_volume.b: internal error"),
    ]
