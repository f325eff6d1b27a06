"""checkov's results under HIPAA sections: the mapping (rules' equivalents first, then
the table), reading `checkov -o json`, dropping duplicates of ephi-lint's own outcomes,
and `#checkov:skip=` comments. Only the last test needs checkov itself."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from linter.checkov_results import (
    checkov_skips,
    checkov_table,
    ephi_address,
    equivalent_rules,
    fold,
    hipaa_sections,
    read_results,
    results_json,
    run_checkov,
    scanned_file,
)
from linter.engine import catalogue_directory, load_rules
from linter.explain import explain, explain_rule
from linter.metrics import inventory
from linter.pipeline import ScanRequest, scan
from linter.report.html import SECTION_TITLES

REPOSITORY = Path(__file__).resolve().parents[1]


def _record(check_id: str, result: str, resource: str, file_path: str, lines: list[int],
            **extra) -> dict:
    """One entry as checkov's Report.get_dict writes it (Record.__dict__)."""
    return {"check_id": check_id, "bc_check_id": None, "check_name": f"name of {check_id}",
            "check_result": {"result": result, **extra.pop("check_result", {})},
            "code_block": [], "file_path": file_path, "file_abs_path": "/abs" + file_path,
            "repo_file_path": extra.pop("repo_file_path", file_path),
            "file_line_range": lines, "resource": resource, "evaluations": None,
            "check_class": "x", "fixed_definition": None, "entity_tags": None,
            "caller_file_path": None, "caller_file_line_range": None,
            "resource_address": extra.pop("resource_address", None), "severity": None,
            "bc_category": None, "benchmarks": None, "description": None,
            "short_description": None, "vulnerability_details": None, "connected_node": None,
            "guideline": f"https://docs.example.org/{check_id}", "details": [], **extra}


CHECKOV_OUTPUT = [
    {"check_type": "terraform", "results": {
        "passed_checks": [_record("CKV_AWS_19", "PASSED", "aws_s3_bucket.photos",
                                  "/dermatology-practice/terraform/storage.tf", [25, 40])],
        "failed_checks": [
            _record("CKV_AWS_19", "FAILED", "aws_s3_bucket.exports",
                    "/dermatology-practice/terraform/storage.tf", [118, 130]),
            _record("CKV_AWS_40", "FAILED", "aws_iam_user_policy.billing",
                    "/dermatology-practice/terraform/iam.tf", [1, 9]),
            _record("CKV_AWS_19", "FAILED", "aws_s3_bucket.exports",
                    "/other-repo/storage.tf", [3, 9]),
        ],
        "skipped_checks": [_record("CKV_AWS_144", "SKIPPED", "aws_s3_bucket.photos",
                                   "/dermatology-practice/terraform/storage.tf", [25, 40],
                                   check_result={"suppress_comment": "single-Region by design"})],
        "parsing_errors": []},
     "summary": {"passed": 1, "failed": 3, "skipped": 1, "parsing_errors": 0,
                 "resource_count": 4, "checkov_version": "3.2.0"}, "url": "n/a"},
    {"check_type": "cloudformation", "results": {
        "passed_checks": [],
        "failed_checks": [_record("CKV_AWS_21", "FAILED", "AWS::S3::Bucket.RecordingsBucket",
                                  "/dermatology-practice/cloudformation/teledermatology.yaml",
                                  [105, 140])],
        "skipped_checks": [], "parsing_errors": []},
     "summary": {"passed": 0, "failed": 1, "skipped": 0, "parsing_errors": 0,
                 "resource_count": 1, "checkov_version": "3.2.0"}},
]


@pytest.fixture(scope="module")
def rules():
    return load_rules([catalogue_directory("rules")])


def test_equivalent_rules_come_from_the_rules(rules) -> None:
    assert equivalent_rules("CKV_AWS_19") == ["ENC-001"]
    assert equivalent_rules("CKV_AWS_3") == ["ENC-002"]
    assert equivalent_rules("ckv_aws_7") == ["KEY-002"]
    assert equivalent_rules("CKV2_AWS_69") == ["PLN-005", "PLN-013"]
    assert equivalent_rules("CKV_AWS_40") == []
    assert equivalent_rules("CKV_AWS_19", rules) == ["ENC-001"]


def test_sections_from_the_rules_first_then_the_table(rules) -> None:
    assert hipaa_sections("CKV_AWS_19", rules) == (["164.312(a)(2)(iv)"], "")
    assert hipaa_sections("CKV_AWS_36", rules) == (["164.312(b)", "164.312(c)(1)"], "")
    assert hipaa_sections("CKV_AWS_40", rules) == (
        ["164.312(a)(1)", "164.308(a)(4)(ii)(B)"], "access-control")
    assert hipaa_sections("CKV_AWS_251", rules) == (
        ["164.312(b)", "164.308(a)(1)(ii)(D)"], "audit")
    assert hipaa_sections("CKV_AWS_999999", rules) == ([], "")


def test_the_table_adds_only_what_the_rules_do_not_cover(rules) -> None:
    table = checkov_table()
    named_by_rules = {check for rule in rules for check in rule.equivalents.get("checkov", [])}
    assert set(table) & named_by_rules == set()
    assert {entry["topic"] for entry in table.values()} == {
        "access-control", "authentication", "audit", "integrity", "contingency"}
    for check_id, entry in table.items():
        assert re.fullmatch(r"CKV2?_AWS_\d+", check_id), check_id
        assert entry["title"] and entry["hipaa"], check_id
        # Every section shows in the report with its name.
        assert set(entry["hipaa"]) <= set(SECTION_TITLES), (check_id, entry["hipaa"])


def test_read_results_of_checkov_json(rules) -> None:
    results = read_results(json.dumps(CHECKOV_OUTPUT), rules)
    assert [(r.check_id, r.status, r.check_type, r.file, r.start_line, r.address,
             r.equivalent_rules, r.hipaa, r.topic) for r in results] == [
        ("CKV_AWS_19", "passed", "terraform", "dermatology-practice/terraform/storage.tf", 25,
         "aws_s3_bucket.photos", ("ENC-001",), ("164.312(a)(2)(iv)",), ""),
        ("CKV_AWS_19", "failed", "terraform", "dermatology-practice/terraform/storage.tf", 118,
         "aws_s3_bucket.exports", ("ENC-001",), ("164.312(a)(2)(iv)",), ""),
        ("CKV_AWS_40", "failed", "terraform", "dermatology-practice/terraform/iam.tf", 1,
         "aws_iam_user_policy.billing", (), ("164.312(a)(1)", "164.308(a)(4)(ii)(B)"),
         "access-control"),
        ("CKV_AWS_19", "failed", "terraform", "other-repo/storage.tf", 3,
         "aws_s3_bucket.exports", ("ENC-001",), ("164.312(a)(2)(iv)",), ""),
        ("CKV_AWS_144", "skipped", "terraform", "dermatology-practice/terraform/storage.tf",
         25, "aws_s3_bucket.photos", (), (), ""),
        ("CKV_AWS_21", "failed", "cloudformation",
         "dermatology-practice/cloudformation/teledermatology.yaml", 105, "RecordingsBucket",
         ("BAK-004",), ("164.308(a)(7)(ii)(A)", "164.312(c)(1)"), ""),
    ]
    assert results[4].skip_reason == "single-Region by design"
    # One framework is a single object; an empty run is a summary alone.
    assert len(read_results(CHECKOV_OUTPUT[1], rules)) == 1
    assert read_results({"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0,
                         "resource_count": 0, "checkov_version": "3.2.0"}) == []


def test_checkov_addresses_as_ephi_lint_writes_them() -> None:
    assert ephi_address("AWS::S3::Bucket.PhotoBucket", "cloudformation") == "PhotoBucket"
    assert ephi_address("Service.patient-portal.kiosk.v2", "kubernetes") == \
        "Service/patient-portal/kiosk.v2"
    assert ephi_address('aws_s3_bucket.photos["raw"]', "terraform") == \
        'aws_s3_bucket.photos["raw"]'


def test_results_ephi_lint_judged_are_dropped(rules) -> None:
    result = scan(ScanRequest(paths=[REPOSITORY / "examples"], root=REPOSITORY, rules=rules))
    rows = inventory(result.outcomes, ["examples"])
    folded = fold(read_results(CHECKOV_OUTPUT, rules), rows)
    assert [(r.check_id, r.address, rule) for r, rule in folded.duplicates] == [
        ("CKV_AWS_19", "aws_s3_bucket.photos", "ENC-001"),
        ("CKV_AWS_19", "aws_s3_bucket.exports", "ENC-001"),
        ("CKV_AWS_21", "RecordingsBucket", "BAK-004"),
    ]
    assert [(r.check_id, r.address, r.file) for r in folded.kept] == [
        ("CKV_AWS_40", "aws_iam_user_policy.billing", "dermatology-practice/terraform/iam.tf"),
        # Same address, another repository's file: not the resource ephi-lint judged.
        ("CKV_AWS_19", "aws_s3_bucket.exports", "other-repo/storage.tf"),
        ("CKV_AWS_144", "aws_s3_bucket.photos", "dermatology-practice/terraform/storage.tf"),
    ]
    assert results_json(folded.kept)[0] == {
        "check_id": "CKV_AWS_40", "check_name": "name of CKV_AWS_40", "status": "failed",
        "check_type": "terraform", "file": "dermatology-practice/terraform/iam.tf", "line": 1,
        "end_line": 9, "resource": "aws_iam_user_policy.billing",
        "hipaa": ["164.312(a)(1)", "164.308(a)(4)(ii)(B)"], "equivalent_rules": [],
        "topic": "access-control", "guideline": "https://docs.example.org/CKV_AWS_40",
        "skip_reason": ""}


def test_kubernetes_results_meet_namespaced_and_cluster_addresses() -> None:
    results = read_results({"check_type": "kubernetes", "results": {"failed_checks": [
        _record("CKV_K8S_104", "FAILED", "EncryptionConfiguration.default.secrets",
                "/k8s/encryption.yaml", [1, 12])]}})
    assert results[0].equivalent_rules == ("ENC-060", "ENC-061")
    row = {"rule": "ENC-061", "resource": "EncryptionConfiguration/secrets",
           "file": "k8s/encryption.yaml", "scope": "k8s/encryption.yaml"}
    folded = fold(results, [row])
    assert [(r.check_id, rule) for r, rule in folded.duplicates] == [("CKV_K8S_104", "ENC-061")]


def test_a_check_on_a_block_ephi_lint_judged_inside_is_a_duplicate() -> None:
    """checkov judges aws_s3_bucket_public_access_block on its own; ephi-lint reads it as
    part of the bucket and points its NET-001 outcome into that block."""
    results = read_results({"check_type": "terraform", "results": {"passed_checks": [
        _record("CKV_AWS_53", "PASSED", "aws_s3_bucket_public_access_block.photos",
                "/storage.tf", [51, 57])]}})
    row = {"rule": "NET-001", "resource": "aws_s3_bucket.photos", "file": "tf/storage.tf",
           "line": 56, "scope": "tf"}
    assert [(r.check_id, rule) for r, rule in fold(results, [row]).duplicates] == [
        ("CKV_AWS_53", "NET-001")]
    outside = {**row, "line": 58}
    assert [r.check_id for r in fold(results, [outside]).kept] == ["CKV_AWS_53"]


def test_checkov_paths_become_the_scanned_files_they_name() -> None:
    scanned = ["examples/k8s-job.yaml", "a/main.tf", "b/main.tf"]
    # checkov's Kubernetes runner repeats a relative -d folder
    assert scanned_file("examples/examples/k8s-job.yaml", scanned) == "examples/k8s-job.yaml"
    assert scanned_file("a/main.tf", scanned) == "a/main.tf"
    assert scanned_file("main.tf", scanned) == "main.tf"  # two candidates: left as written
    assert scanned_file("Dockerfile", scanned) == "Dockerfile"  # not scanned by ephi-lint


def test_checkov_skip_comments() -> None:
    text = (
        'resource "aws_ebs_volume" "scratch" { # checkov:skip=CKV_AWS_3:scratch disk, no ePHI\n'
        "  // checkov:skip=CKV_AWS_189\n"
        '  description = "checkov:skip=CKV_AWS_1:in a string, not a comment"\n'
        "}\n"
        "Resources:\n"
        "  Bucket:  # checkov:skip=CKV_AWS_18:logs go to the SIEM checkov:skip=CKV_AWS_21:"
        "immutable exports\n"
        "  # bridgecrew:skip=CKV_AWS_19: encrypted by the vendor appliance \n")
    assert checkov_skips(text) == [
        (1, "CKV_AWS_3", "scratch disk, no ePHI"),
        (2, "CKV_AWS_189", ""),  # no reason: reported, not honoured
        (6, "CKV_AWS_18", "logs go to the SIEM"),
        (6, "CKV_AWS_21", "immutable exports"),
        (7, "CKV_AWS_19", "encrypted by the vendor appliance"),
    ]
    assert equivalent_rules("CKV_AWS_3") == ["ENC-002"]


def test_explain_a_checkov_id_names_its_equivalent_rules(rules) -> None:
    text = explain("ckv_aws_3", rules)
    assert text is not None
    first, blank, rest = text.split("\n", 2)
    assert first == ("checkov CKV_AWS_3 is judged here by ENC-002; a "
                     "`#checkov:skip=CKV_AWS_3:<reason>` comment in Terraform or "
                     "CloudFormation is an exception for it too.")
    assert blank == ""
    assert rest == explain_rule(next(rule for rule in rules if rule.id == "ENC-002"))


def test_explain_a_checkov_id_with_several_equivalents_lists_them(rules) -> None:
    text = explain("CKV_GCP_4", rules)
    assert text is not None
    titles = {rule.id: rule.title for rule in rules}
    assert text.splitlines()[:7] == [
        "checkov CKV_GCP_4 is judged here by TLS-030, TLS-031, TLS-032, TLS-033; a "
        "`#checkov:skip=CKV_GCP_4:<reason>` comment in Terraform or CloudFormation is an "
        "exception for them too.", "",
        *(f"  {rule_id}  {titles[rule_id]}  (ephi-lint explain {rule_id})"
          for rule_id in ("TLS-030", "TLS-031", "TLS-032", "TLS-033")), ""]
    assert text.splitlines()[7] == f"TLS-030: {titles['TLS-030']}"


def test_explain_a_checkov_id_ephi_lint_does_not_judge(rules) -> None:
    entry = checkov_table()["CKV_AWS_1"]
    assert explain("CKV_AWS_1", rules) == (
        f"checkov CKV_AWS_1 ({entry['title']}) has no ephi-lint equivalent: ephi-lint does "
        f"not judge {entry['topic']}. `ephi-lint report` shows checkov's results for it under "
        f"45 CFR {', '.join(entry['hipaa'])}.")
    assert explain("CKV_NOT_A_CHECK", rules) is None
    assert explain("enc-002", rules) == explain_rule(
        next(rule for rule in rules if rule.id == "ENC-002"))


def test_real_checkov_run_is_folded(tmp_path: Path, rules) -> None:
    if shutil.which("checkov") is None:
        pytest.skip("checkov is not installed (optional extra: pip install '.[checkov]')")
    (tmp_path / "main.tf").write_text(
        'resource "aws_ebs_volume" "scratch" {\n  availability_zone = "us-east-1a"\n'
        "  size = 10\n  encrypted = false\n}\n")
    results = read_results(run_checkov(tmp_path), rules)
    assert ("CKV_AWS_3", "failed", "aws_ebs_volume.scratch") in {
        (r.check_id, r.status, r.address) for r in results}
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, rules=rules))
    folded = fold(results, inventory(result.outcomes, ["."]))
    assert ("CKV_AWS_3", "ENC-002") in {(r.check_id, rule) for r, rule in folded.duplicates}
