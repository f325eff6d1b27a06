"""Coverage metrics: the inventory rows, each figure's definition, and the same figures
recomputed from the scan's JSON."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from linter import metrics as metrics_module
from linter.config import load_config
from linter.engine import catalogue_directory, load_rules
from linter.metrics import (
    CUSTOMER_MANAGED_KEY_RULES,
    METRICS,
    TLS_MINIMUM_RULES,
    compute,
    inventory,
    inventory_json,
    metrics,
    metrics_from_json,
    root_of,
)
from linter.pipeline import ScanRequest, ScanResult, scan
from linter.report import ScanReport, json_format, tls13_coverage
from linter.suppress import Policy

REPOSITORY = Path(__file__).resolve().parents[1]
TODAY = datetime.date(2026, 12, 6)

STACK = ('resource "aws_kms_key" "phi" {\n  enable_key_rotation = false\n}\n\n'
         'resource "aws_kms_key" "ok" {\n  enable_key_rotation = true\n}\n\n'
         'resource "aws_ebs_volume" "scratch" {\n  availability_zone = "us-east-1a"\n'
         "  size = 10\n  encrypted = false\n}\n")


@pytest.fixture(scope="module")
def rules():
    return load_rules([catalogue_directory("rules")])


@pytest.fixture(scope="module")
def examples(rules) -> ScanResult:
    return scan(ScanRequest(paths=[REPOSITORY / "examples"], root=REPOSITORY, rules=rules))


def scan_json(result: ScanResult, roots: list[str], notices=()) -> dict:
    """The scan's JSON as the CLI writes it, plus the `inventory` the lead wires in."""
    document = json.loads(json_format.render(ScanReport(result, notices=list(notices))))
    document["inventory"] = inventory_json(result.outcomes, roots)
    return json.loads(json.dumps(document))  # through text, as a file would be read


def figure(figures: dict, metric_id: str) -> dict:
    return next(item for item in figures["metrics"] if item["id"] == metric_id)


def counts(item: dict) -> tuple:
    return (item["total"], item["covered"], item["excepted"], item["not_covered"],
            item["unknown"], item["error"], item["not_measured"], item["percent"])


def test_inventory_has_one_row_per_rule_and_resource_with_passes(tmp_path: Path, rules) -> None:
    (tmp_path / "main.tf").write_text(STACK)
    chosen = [rule for rule in rules if rule.id in ("KEY-002", "ENC-002")]
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, rules=chosen))
    rows = inventory(result.outcomes, ["."])
    assert [(row["rule"], row["status"], row["resource"], row["resource_type"], row["file"],
             row["line"], row["root"]) for row in rows] == [
        ("KEY-002", "fail", "aws_kms_key.phi", "aws_kms_key", "main.tf", 2, "."),
        ("KEY-002", "pass", "aws_kms_key.ok", "aws_kms_key", "main.tf", 6, "."),
        ("ENC-002", "fail", "aws_ebs_volume.scratch", "aws_ebs_volume", "main.tf", 12, "."),
    ]
    first = rows[0]
    assert (first["category"], first["hipaa"], first["model"], first["format"],
            first["arn"], first["account"], first["suppression"], first["facts"]) == (
        "key-management", ["164.312(a)(2)(iv)"], "aws.kms.Key", "terraform", None, None,
        None, {})
    [phi] = [o for o in result.outcomes if o.resource.address == "aws_kms_key.phi"]
    assert first["fingerprint"] == phi.fingerprint


def test_examples_figures(examples) -> None:
    figures = metrics(examples.outcomes, roots=["examples"], today=TODAY)
    # total, covered, excepted, not covered, unknown, error, not measured, percent
    assert {item["id"]: counts(item) for item in figures["metrics"]} == {
        "encrypted-at-rest": (27, 20, 0, 7, 0, 0, 0, 74.1),
        "customer-managed-key": (24, 21, 0, 3, 0, 0, 0, 87.5),
        "key-rotation": (4, 3, 0, 1, 0, 0, 0, 75.0),
        "tls-1.2-minimum": (9, 4, 0, 5, 0, 0, 0, 44.4),
        # the ingress-nginx ConfigMap's TLS-007 check does not say whether 1.3 is offered
        "tls-1.3-offered": (8, 6, 0, 2, 0, 0, 1, 75.0),
        "no-plaintext": (24, 15, 0, 9, 0, 0, 0, 62.5),
        "backups-encrypted": (2, 1, 0, 1, 0, 0, 0, 50.0),
        "backups-separate-key": (2, 1, 0, 1, 0, 0, 0, 50.0),
        "audit-logs-protected": (1, 0, 0, 1, 0, 0, 0, 0.0),
    }
    rotation = figure(figures, "key-rotation")["subjects"]
    assert [(s["resource"], s["state"], s["line"]) for s in rotation
            if s["state"] != "covered"] == [("aws_kms_key.backup", "not_covered", 109)]
    assert figures["by_root"] == [{"key": "examples", "checks": 138, "resources": 55,
                                   "pass": 110, "fail": 27, "excepted": 0, "unknown": 1,
                                   "error": 0, "percent": 79.7}]
    audit = next(item for item in figures["by_category"] if item["key"] == "audit-logging")
    assert (audit["checks"], audit["pass"], audit["unknown"]) == (7, 6, 1)


def test_tls13_figure_agrees_with_the_summary_coverage(examples) -> None:
    tls13 = figure(metrics(examples.outcomes, today=TODAY), "tls-1.3-offered")
    assert tls13_coverage(examples) == {"tls_endpoints_judged": tls13["covered"]
                                        + tls13["not_covered"],
                                        "tls_1_3_available": tls13["covered"]}


def test_figures_from_json_equal_figures_in_memory(examples) -> None:
    document = scan_json(examples, ["examples"])
    assert metrics_from_json(document, today=TODAY) == metrics(
        examples.outcomes, roots=["examples"], today=TODAY)


def test_json_without_inventory_is_refused() -> None:
    with pytest.raises(ValueError, match="--include-passed"):
        metrics_from_json({"findings": []})


def _row(rule: str, status: str, resource: str, **extra) -> dict:
    return {"rule": rule, "category": extra.pop("category", "encryption-at-rest"),
            "hipaa": ["164.312(a)(2)(iv)"], "status": status, "resource": resource,
            "resource_type": "aws_s3_bucket", "format": "terraform", "scope": ".",
            "file": "main.tf", "line": extra.pop("line", 1), "root": ".",
            "facts": extra.pop("facts", {}), "suppression": extra.pop("suppression", None),
            **extra}


def test_unknown_and_error_are_never_covered_and_stay_in_the_denominator() -> None:
    rows = [_row("ENC-001", "pass", "a"), _row("ENC-001", "unknown", "b"),
            _row("ENC-001", "error", "c"), _row("ENC-001", "pass", "d"),
            _row("ENC-003", "fail", "d"), _row("ENC-001", "unknown", "e"),
            _row("ENC-003", "fail", "e")]
    item = figure(compute(rows, today=TODAY), "encrypted-at-rest")
    assert counts(item) == (5, 1, 0, 2, 1, 1, 0, 20.0)
    assert {s["resource"]: s["state"] for s in item["subjects"]} == {
        "a": "covered", "b": "unknown", "c": "error", "d": "not_covered",
        "e": "not_covered"}  # a failure outranks an undecided setting


def test_excepted_findings_are_apart_from_open_ones() -> None:
    waived = {"kind": "external", "justification": "public assets", "source": "c.yaml:3",
              "compensating_control": "", "approved_by": "sec@x", "expires": "2027-06-01"}
    rows = [_row("ENC-001", "fail", "a", suppression=waived), _row("ENC-001", "pass", "b")]
    item = figure(compute(rows, today=TODAY), "encrypted-at-rest")
    assert counts(item) == (2, 1, 1, 0, 0, 0, 0, 50.0)


def test_nothing_judged_is_not_a_percentage() -> None:
    item = figure(compute([], today=TODAY), "key-rotation")
    assert (item["total"], item["percent"]) == (0, None)


def test_tls_minimum_rules_are_the_catalogues() -> None:
    # A new "TLS 1.2 or newer" rule must join the TLS figures, and nothing else may.
    catalogue = load_rules([catalogue_directory("rules")])
    assert {rule.id for rule in catalogue
            if rule.category == "tls" and "TLS 1.2" in rule.title} == set(TLS_MINIMUM_RULES)


def test_customer_managed_key_rules_cover_every_cmk_rule(rules) -> None:
    by_id = {rule.id: rule for rule in rules}
    titled = {rule.id for rule in rules
              if "with a customer-managed" in rule.title}
    assert titled <= set(CUSTOMER_MANAGED_KEY_RULES)
    assert all(rule_id in by_id for rule_id in CUSTOMER_MANAGED_KEY_RULES)
    # Each selected rule exists: a renamed rule must not silently empty a figure.
    for metric in METRICS:
        assert any(metric.selects(rule.id, rule.category) for rule in rules), metric.id


def test_root_of_picks_the_scanned_root_that_holds_the_file() -> None:
    assert root_of("infra/prod/main.tf", ["infra", "infra/prod"]) == "infra/prod"
    assert root_of("infra/prod/main.tf", []) == "infra"
    assert root_of("main.tf", []) == "."
    assert root_of("main.tf", ["."]) == "."


def test_live_rows_carry_arn_account_and_region() -> None:
    from linter.conditions import Status
    from linter.engine import Outcome, Rule
    from linter.models.base import Resource, SourceLocation

    class Bucket(Resource):
        MODEL = "aws.s3.Bucket"

    arn = "arn:aws:s3:::clinic-photos"
    resource = Bucket(address=arn, source_type="AWS::S3::Bucket", source_format="aws",
                      location=SourceLocation("aws/111122223333/us-east-1/s3/clinic-photos",
                                              1, 1),
                      scope="aws/111122223333/us-east-1")
    rule = Rule("ENC-001", "t", "medium", "encryption-at-rest", ("164.312(a)(2)(iv)",), "",
                "m", ("aws.s3.Bucket",), {}, {"summary": "fix"})
    outcome = Outcome(rule, resource, Status.PASS, "ok", resource.location, "")
    [row] = inventory([outcome])
    assert (row["arn"], row["account"], row["region"], row["root"]) == (
        arn, "111122223333", "us-east-1", "aws/111122223333")


def test_live_services_not_assessed_are_listed() -> None:
    live = {"services": [
        {"account": "1", "region": "eu-west-1", "service": "rds", "status": "not assessed",
         "reason": "AccessDenied on DescribeDBInstances"},
        {"account": "1", "region": "eu-west-1", "service": "s3", "status": "read"}]}
    assert compute([], today=TODAY, live=live)["not_assessed"] == [
        {"account": "1", "region": "eu-west-1", "service": "rds",
         "reason": "AccessDenied on DescribeDBInstances"}]


def test_exception_register_from_suppressions_waivers_and_notices(tmp_path: Path,
                                                                   rules) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "archive" { # ephi-lint: ignore[KEY-002] decrypt-only, RB-7\n'
        "  enable_key_rotation = false\n}\n\n"
        'resource "aws_kms_key" "legacy" {\n  enable_key_rotation = false\n}\n\n'
        'resource "aws_kms_key" "old" {\n  enable_key_rotation = false\n}\n')
    (tmp_path / ".ephi-lint.yaml").write_text(
        "waivers:\n"
        "  - rule: KEY-002\n    resource: aws_kms_key.legacy\n"
        "    justification: HSM-backed, rotated by the vendor runbook\n"
        "    approved_by: security@clinic.example\n    expires: 2026-12-20\n"
        "  - rule: KEY-002\n    resource: aws_kms_key.old\n"
        "    justification: migration pending\n    approved_by: cto@clinic.example\n"
        "    compensating_control: key policy denies Encrypt\n    expires: 2026-11-30\n")
    chosen = [rule for rule in rules if rule.id == "KEY-002"]
    policy = Policy(load_config(tmp_path / ".ephi-lint.yaml"), tmp_path, ["KEY-002"],
                    today=TODAY)
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, rules=chosen), policy)
    register = metrics(result.outcomes, policy.notices, today=TODAY)["exceptions"]
    assert register["counts"] == {"expired": 1, "expiring": 1, "not_honoured": 0,
                                  "open": 1, "unused": 0}
    assert [(e["state"], e["kind"], e["source"], e["rules"], e["resources"],
             e["justification"], e["approved_by"], e["expires"], e["days_left"])
            for e in register["entries"]] == [
        # An expired waiver keeps its terms in the register (from the notice's fields).
        ("expired", "waiver", ".ephi-lint.yaml:7", ["KEY-002"], ["aws_kms_key.old"],
         "migration pending", "cto@clinic.example", "2026-11-30", -6),
        ("expiring", "waiver", ".ephi-lint.yaml:2", ["KEY-002"], ["aws_kms_key.legacy"],
         "HSM-backed, rotated by the vendor runbook", "security@clinic.example",
         "2026-12-20", 14),
        ("open", "inline", "main.tf:1", ["KEY-002"], ["aws_kms_key.archive"],
         "decrypt-only, RB-7", "", None, None),
    ]
    assert register["entries"][0]["compensating_control"] == "key policy denies Encrypt"
    # The same register from the JSON.
    document = scan_json(result, ["."], policy.notices)
    assert metrics_from_json(document, today=TODAY)["exceptions"] == register
    rotation = figure(metrics(result.outcomes, policy.notices, today=TODAY), "key-rotation")
    # legacy and archive are excepted; old's waiver expired, so it is open again.
    assert counts(rotation) == (3, 0, 2, 1, 0, 0, 0, 0.0)


def test_metrics_module_names_no_output_format() -> None:
    # metrics sits before report/ in the data flow: it must not import an output format.
    source = Path(metrics_module.__file__).read_text(encoding="utf-8")
    assert "linter.report" not in source
