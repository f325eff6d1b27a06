"""Terraform plan JSON (`terraform show -json`): values the configuration hides behind
variables, module inputs and count/for_each are judged as the plan knows them, values
known only after apply are followed through `configuration` references, and findings
point at the .tf source when it is scanned too (else at the plan JSON line)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from linter.conditions import Status
from linter.engine import catalogue_directory, load_rules
from linter.parsers.tfplan import parse_plan
from linter.pipeline import ScanRequest, scan
from linter.resolve.tfplan import PlanResolver
from linter.values import ResourceRef, Unknown

RULES = load_rules([catalogue_directory("rules")])
PLANS = Path(__file__).parent / "plans"
JUDGED = ("ENC-001", "ENC-002", "KEY-001", "KEY-002")


def _findings(paths: list[Path], root: Path = PLANS, **request) -> set[tuple[str, ...]]:
    result = scan(ScanRequest(paths=paths, root=root,
                              rules=[rule for rule in RULES if rule.id in JUDGED], **request))
    assert not result.problems, result.problems
    return {(o.rule.id, o.status.value, o.location.path, str(o.location.start_line),
             o.resource.address) for o in result.outcomes}


def test_plan_knows_the_variable_the_configuration_hides() -> None:
    # Alone, main.tf cannot know var.rotate or var.export_key: UNKNOWN.
    assert {f for f in _findings([PLANS / "kms" / "main.tf"]) if f[1] == "unknown"} == {
        ("KEY-002", "unknown", "kms/main.tf", "11", "aws_kms_key.phi"),
        ("KEY-001", "unknown", "kms/main.tf", "37", "aws_s3_bucket.exports")}
    # The plan knows them: false rotation fails, alias/aws/s3 fails, and the bucket whose
    # key ARN is computed at apply passes KEY-001 through the configuration's reference.
    assert _findings([PLANS / "kms" / "plan.json"]) == {
        ("KEY-002", "fail", "kms/plan.json", "24", "aws_kms_key.phi"),
        ("KEY-001", "fail", "kms/plan.json", "77", "aws_s3_bucket.exports"),
        ("ENC-001", "pass", "kms/plan.json", "78", "aws_s3_bucket.exports"),
        ("KEY-001", "pass", "kms/plan.json", "99", "aws_s3_bucket.photos"),
        ("ENC-001", "pass", "kms/plan.json", "100", "aws_s3_bucket.photos"),
    }


def test_plan_with_its_source_points_at_the_tf_lines_and_replaces_its_findings() -> None:
    # The configuration's UNKNOWNs for the same resources are dropped: the plan wins.
    assert _findings([PLANS / "kms"]) == {
        ("KEY-002", "fail", "kms/main.tf", "11", "aws_kms_key.phi"),
        ("KEY-001", "fail", "kms/main.tf", "37", "aws_s3_bucket.exports"),
        ("ENC-001", "pass", "kms/main.tf", "36", "aws_s3_bucket.exports"),
        ("KEY-001", "pass", "kms/main.tf", "23", "aws_s3_bucket.photos"),
        ("ENC-001", "pass", "kms/main.tf", "22", "aws_s3_bucket.photos"),
    }


def test_plan_with_a_module_called_with_count_and_a_for_each_resource() -> None:
    expected_plan = {
        ("KEY-002", "pass", "modules/plan.json", "16", "aws_kms_key.phi"),
        ("KEY-002", "fail", "modules/plan.json", "32", 'aws_kms_key.tenant["derived"]'),
        ("KEY-002", "pass", "modules/plan.json", "48", 'aws_kms_key.tenant["raw"]'),
        # var.key_arn inside the module -> the call's key_arn -> aws_kms_key.phi.arn
        ("KEY-001", "pass", "modules/plan.json", "59", "module.store[0].aws_ebs_volume.data"),
        ("ENC-002", "pass", "modules/plan.json", "68", "module.store[0].aws_ebs_volume.data"),
        ("ENC-002", "fail", "modules/plan.json", "88", "module.store[1].aws_ebs_volume.data"),
    }
    assert _findings([PLANS / "modules" / "plan.json"]) == expected_plan
    store = "modules/modules/store/main.tf"
    assert _findings([PLANS / "modules"]) == {
        ("KEY-002", "pass", "modules/main.tf", "2", "aws_kms_key.phi"),
        ("KEY-002", "fail", "modules/main.tf", "14", 'aws_kms_key.tenant["derived"]'),
        ("KEY-002", "pass", "modules/main.tf", "14", 'aws_kms_key.tenant["raw"]'),
        ("KEY-001", "pass", store, "13", "module.store[0].aws_ebs_volume.data"),
        ("ENC-002", "pass", store, "12", "module.store[0].aws_ebs_volume.data"),
        ("ENC-002", "fail", store, "12", "module.store[1].aws_ebs_volume.data"),
    }


def test_plan_on_stdin_as_terraform() -> None:
    text = (PLANS / "kms" / "plan.json").read_text()
    found = _findings([], stdin_text=text, stdin_format="terraform")
    assert ("KEY-002", "fail", "stdin", "24", "aws_kms_key.phi") in found
    assert ("KEY-001", "pass", "stdin", "99", "aws_s3_bucket.photos") in found


def _plan(resources: list[dict], changes: list[dict], config: list[dict]) -> str:
    return json.dumps({"format_version": "1.2", "terraform_version": "1.9.5",
                       "planned_values": {"root_module": {"resources": resources}},
                       "resource_changes": changes,
                       "configuration": {"root_module": {"resources": config}}}, indent=1)


def _volume(kms_key: dict) -> str:
    resource = {"address": "aws_ebs_volume.data", "mode": "managed", "type": "aws_ebs_volume",
                "name": "data", "values": {"encrypted": True, "size": 20}}
    change = {"address": "aws_ebs_volume.data", "mode": "managed", "type": "aws_ebs_volume",
              "name": "data", "change": {"actions": ["create"], "after": {"encrypted": True},
                                         "after_unknown": {"kms_key_id": True, "id": True}}}
    config = {"address": "aws_ebs_volume.data", "mode": "managed", "type": "aws_ebs_volume",
              "name": "data", "expressions": {"encrypted": {"constant_value": True}, **kms_key}}
    return _plan([resource], [change], [config])


def _key_of(text: str) -> object:
    (block,) = PlanResolver(parse_plan(text, "plan.json")).blocks()
    return block.config.get("kms_key_id")


def test_value_known_after_apply_is_a_reference_only_to_one_resource() -> None:
    single = _key_of(_volume({"kms_key_id": {"references": ["aws_kms_key.phi.arn",
                                                            "aws_kms_key.phi"]}}))
    assert single == ResourceRef("aws_kms_key", "phi", "arn")
    several = _key_of(_volume({"kms_key_id": {"references": [
        "var.use_a", "aws_kms_key.a.arn", "aws_kms_key.a", "aws_kms_key.b.arn"]}}))
    assert isinstance(several, Unknown) and "aws_kms_key.a.arn" in several.reason
    # Computed by the provider and not written: absent, as the .tf path sees it.
    assert _key_of(_volume({})) is None


def test_unknown_key_from_a_local_is_unknown_not_a_pass(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text(_volume({"kms_key_id": {"references": ["local.key"]}}))
    assert _findings([tmp_path / "plan.json"], root=tmp_path) == {
        ("ENC-002", "pass", "plan.json", "13", "aws_ebs_volume.data"),
        # kms_key_id has no value line in planned_values: the resource's line.
        ("KEY-001", "unknown", "plan.json", "7", "aws_ebs_volume.data")}


@pytest.mark.parametrize("text,reason", [
    ('{"format_version": "1.2", "planned_values": {"root_module": {', "Terraform plan JSON: "),
    ('{"format_version": "2.0", "planned_values": {}}', "format_version 2.0 is not supported"),
    ('{"format_version": "1.2", "planned_values": [], "terraform_version": "1.9.5"}',
     "`planned_values` is not an object"),
])
def test_malformed_plan_is_a_problem(tmp_path: Path, text: str, reason: str) -> None:
    (tmp_path / "plan.json").write_text(text)
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, rules=RULES))
    (problem,) = result.problems
    assert problem.path == "plan.json" and reason in problem.reason and problem.level == "error"
    assert result.outcomes == []


def test_huge_plan_is_a_problem_and_the_rest_is_scanned(tmp_path: Path) -> None:
    shutil.copytree(PLANS / "kms", tmp_path / "kms")
    (tmp_path / "kms" / "plan.json").write_text(
        (PLANS / "kms" / "plan.json").read_text() + " " * 40_000)
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, max_file_bytes=20_000,
                              rules=[rule for rule in RULES if rule.id == "KEY-002"]))
    assert [(p.path, p.level) for p in result.problems] == [("kms/plan.json", "error")]
    assert "size" in result.problems[0].reason
    # Without its plan, the configuration is judged on its own: UNKNOWN, never dropped.
    assert [(o.status, o.location.path, o.location.start_line) for o in result.outcomes] == [
        (Status.UNKNOWN, "kms/main.tf", 11)]
