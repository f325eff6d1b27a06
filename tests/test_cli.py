"""The command line as users drive it: exit codes, formats, selection, stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from linter import __version__
from tests.conftest import REPOSITORY, run_cli

UNDECLARED_BUCKET = '''resource "aws_s3_bucket" "exports" {
  bucket = "clinic-exports"
}
'''

COMPLIANT = '''resource "aws_kms_key" "phi" {
  enable_key_rotation = true
}
'''


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


def test_version() -> None:
    completed = run_cli("--version")
    assert completed.returncode == 0
    assert completed.stdout.strip() == f"ephi-lint {__version__}"


def test_clean_scan_exits_0(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", COMPLIANT)
    completed = run_cli("scan", ".", "--include-rule", "KEY-00[234]", cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.startswith("0 failed, 0 unknown, 3 passed: 3 rules over 1 resource "
                                       "in 1 file")


def test_findings_exit_1_and_name_rule_resource_line(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", UNDECLARED_BUCKET)
    completed = run_cli("scan", "main.tf", "--no-color", "--include-rule", "ENC-001",
                        cwd=tmp_path)
    assert completed.returncode == 1
    lines = completed.stdout.splitlines()
    assert lines[0] == "main.tf"
    assert lines[1].split() [:3] == ["1", "medium", "ENC-001"]
    assert "aws_s3_bucket.exports" in lines[1]
    assert "fix: Declare default encryption" in lines[2]


def test_severity_threshold_hides_and_does_not_gate_lower_findings(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", 'resource "aws_kms_key" "k" {}\n')  # KEY-002 is medium
    completed = run_cli("scan", ".", "--severity-threshold", "high", "--format", "json",
                        cwd=tmp_path)
    assert completed.returncode == 0
    report = json.loads(completed.stdout)
    assert report["findings"] == []
    assert report["summary"]["below_threshold"] == 1


def test_include_and_exclude_rules(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", UNDECLARED_BUCKET)
    only = json.loads(run_cli("scan", ".", "--include-rule", "PLN-*", "-f", "json",
                              cwd=tmp_path).stdout)
    assert {item["rule"] for item in only["findings"]} == {"PLN-005"}
    without = json.loads(run_cli("scan", ".", "--include-rule", "ENC-001", "--include-rule",
                                 "KEY-001", "--include-rule", "PLN-005", "--exclude-rule",
                                 "PLN-005", "-f", "json", cwd=tmp_path).stdout)
    assert {item["rule"] for item in without["findings"]} == {"ENC-001"}


def test_unknown_rule_selection_is_a_usage_error(tmp_path: Path) -> None:
    completed = run_cli("scan", ".", "--include-rule", "NOPE-999", cwd=tmp_path)
    assert completed.returncode == 2
    assert "no rule matches 'NOPE-999'" in completed.stderr


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    completed = run_cli("scan", "does-not-exist", cwd=tmp_path)
    assert completed.returncode == 2
    assert "does-not-exist: no such file or directory" in completed.stderr


def test_bad_rule_file_names_file_and_schema_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    _write(rules, "ENC-900.yaml", "id: ENC-900\ntitle: too short\n")
    _write(tmp_path, "main.tf", COMPLIANT)
    completed = run_cli("scan", "main.tf", "--rules", str(rules), cwd=tmp_path)
    assert completed.returncode == 2
    assert "ENC-900.yaml" in completed.stderr
    assert "is a required property" in completed.stderr


def test_custom_rule_directory_adds_a_rule(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    _write(rules, "KEY-900.yaml", """id: KEY-900
title: KMS keys must have automatic rotation (practice policy)
severity: high
category: key-management
hipaa: ["164.312(a)(2)(iv)"]
model: aws.kms.Key
condition: {field: rotation_enabled, equals: true}
message: "Key {resource} does not rotate"
rationale: The practice requires every key to rotate, whatever its purpose.
remediation: {summary: Set enable_key_rotation = true on the key.}
""")
    _write(tmp_path, "main.tf", 'resource "aws_kms_key" "k" {}\n')
    completed = run_cli("scan", ".", "--rules", str(rules), "--include-rule", "KEY-900",
                        "-f", "json", cwd=tmp_path)
    assert completed.returncode == 1
    finding = json.loads(completed.stdout)["findings"][0]
    assert (finding["rule"], finding["resource"], finding["line"]) == ("KEY-900",
                                                                        "aws_kms_key.k", 1)


def test_parse_error_exits_2_even_with_findings(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", UNDECLARED_BUCKET)
    _write(tmp_path, "broken.tf", "resource {\n")
    completed = run_cli("scan", ".", "-f", "json", "--include-rule", "ENC-001", "--include-rule",
                        "KEY-001", "--include-rule", "PLN-005", cwd=tmp_path)
    assert completed.returncode == 2
    report = json.loads(completed.stdout)
    assert report["problems"][0]["file"] == "broken.tf"
    assert {item["rule"] for item in report["findings"]} == {"ENC-001", "PLN-005"}


def test_stdin_needs_an_input_format() -> None:
    completed = run_cli("scan", "-", stdin="apiVersion: v1\n")
    assert completed.returncode == 2
    assert "--input-format" in completed.stderr


def test_stdin_cloudformation(tmp_path: Path) -> None:
    template = "Resources:\n  Key:\n    Type: AWS::KMS::Key\n"
    completed = run_cli("scan", "-", "--input-format", "cloudformation", "-f", "json",
                        stdin=template, cwd=tmp_path)
    assert completed.returncode == 1
    finding = json.loads(completed.stdout)["findings"][0]
    assert (finding["rule"], finding["file"], finding["line"], finding["resource"]) == (
        "KEY-002", "stdin", 2, "Key")


def test_stdin_terraform(tmp_path: Path) -> None:
    completed = run_cli("scan", "-", "--input-format", "terraform", "-f", "json",
                        stdin='resource "aws_kms_key" "k" {\n  enable_key_rotation = false\n}\n',
                        cwd=tmp_path)
    finding = json.loads(completed.stdout)["findings"][0]
    assert (finding["rule"], finding["line"], finding["attribute"]) == (
        "KEY-002", 2, "enable_key_rotation")


def test_output_file_and_summary_on_stderr(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", UNDECLARED_BUCKET)
    completed = run_cli("scan", ".", "-f", "sarif", "-o", "out.sarif", "--include-rule", "ENC-001",
                        cwd=tmp_path)
    assert completed.returncode == 1
    assert completed.stdout == ""
    assert completed.stderr.startswith("1 failed")
    assert json.loads((tmp_path / "out.sarif").read_text())["version"] == "2.1.0"


def test_rules_json_lists_the_catalogue() -> None:
    completed = run_cli("rules", "--format", "json")
    assert completed.returncode == 0
    rules = json.loads(completed.stdout)
    enc = next(rule for rule in rules if rule["id"] == "ENC-001")
    assert enc == {"id": "ENC-001", "title": "S3 buckets declare default server-side encryption",
                   "severity": "medium", "category": "encryption-at-rest",
                   "hipaa": ["164.312(a)(2)(iv)"], "models": ["aws.s3.Bucket"]}


def test_explain_shows_rationale_fix_and_both_examples() -> None:
    completed = run_cli("explain", "enc-001")
    assert completed.returncode == 0
    text = completed.stdout
    for heading in ("ENC-001: S3 buckets declare default server-side encryption",
                    "Why it matters", "How to fix", "Failing example (terraform",
                    "Passing example (terraform", "Failing example (cloudformation",
                    "45 CFR 164.312(a)(2)(iv)"):
        assert heading in text


def test_explain_unknown_rule() -> None:
    completed = run_cli("explain", "ENC-999")
    assert completed.returncode == 2
    assert completed.stderr == ("ephi-lint: error: no rule 'ENC-999' "
                                "(see `ephi-lint rules`)\n")


def test_explain_a_checkov_id_names_its_equivalent_rule_and_explains_it() -> None:
    # rules/enc/ENC-002.yaml lists CKV_AWS_3 (and only it does) among its equivalents.
    completed = run_cli("explain", "ckv_aws_3")
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0].startswith("checkov CKV_AWS_3 is judged here by ENC-002; ")
    assert lines[2] == "ENC-002: EBS volumes are encrypted at rest"


# --- a scan that judged nothing does not pass ---------------------------------------------

def test_an_empty_folder_is_an_error_not_a_pass(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    completed = run_cli("scan", "infra", "-f", "json", cwd=tmp_path)
    assert completed.returncode == 2
    assert json.loads(completed.stdout)["problems"] == [{
        "file": "infra", "level": "error",
        "reason": "nothing was judged: no infrastructure files found under infra"}]


def test_an_empty_folder_given_by_its_full_path_is_named_so(tmp_path: Path) -> None:
    # Scanned from another folder, the scanned folder is the scan root ("."): the message
    # names it as it was typed.
    (tmp_path / "infra").mkdir()
    (tmp_path / "elsewhere").mkdir()
    completed = run_cli("scan", str(tmp_path / "infra"), "-f", "json",
                        cwd=tmp_path / "elsewhere")
    assert completed.returncode == 2
    assert [problem["reason"] for problem in json.loads(completed.stdout)["problems"]] == [
        f"nothing was judged: no infrastructure files found under {tmp_path / 'infra'}"]


def test_an_exclude_that_covers_everything_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", COMPLIANT)
    _write(tmp_path, ".ephi-lint.yaml", "exclude: ['**/*.tf']\n")
    completed = run_cli("scan", ".", "--no-color", cwd=tmp_path)
    assert completed.returncode == 2
    assert "  error    .: nothing was judged: the configuration's exclude covers every file " \
           "found under . (1 file)\n" in completed.stdout


def test_only_non_infrastructure_yaml_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "mkdocs.yml", "site_name: Clinic docs\n")
    _write(tmp_path, "package.json", '{"name": "portal"}\n')
    completed = run_cli("scan", ".", "-f", "json", cwd=tmp_path)
    assert completed.returncode == 2
    assert [problem["reason"] for problem in json.loads(completed.stdout)["problems"]] == [
        "nothing was judged: none of the files found under . (2 files) is Terraform, "
        "CloudFormation, Kubernetes or a certificate"]


def test_pre_commit_with_only_non_infrastructure_files_passes(tmp_path: Path) -> None:
    # pre-commit hands over every staged YAML/JSON file: none needs to be infrastructure.
    _write(tmp_path, "package.json", '{"name": "portal"}\n')
    completed = run_cli("scan", "--changed-files", "package.json", cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_standard_input_that_holds_no_resource_is_an_error(tmp_path: Path) -> None:
    completed = run_cli("scan", "-", "--input-format", "kubernetes", "-f", "json",
                        stdin="greeting: hello\n", cwd=tmp_path)
    assert completed.returncode == 2
    assert json.loads(completed.stdout)["problems"] == [{
        "file": "stdin", "level": "error",
        "reason": "nothing was judged: standard input holds no kubernetes document"}]


# --- errors that exited 1 or ended in a traceback -------------------------------------------

@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_report_that_cannot_be_written_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", UNDECLARED_BUCKET)
    for output_format in ("text", "json"):
        with open("/dev/full", "w") as full:
            completed = subprocess.run(
                [sys.executable, "-m", "linter.cli", "scan", ".", "-f", output_format],
                cwd=tmp_path, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
                env={**os.environ, "PYTHONPATH": str(REPOSITORY)})
        assert completed.returncode == 2
        assert completed.stderr.startswith("ephi-lint: error: cannot write the report to "
                                           "standard output: No space left on device\n")
        assert "Traceback" not in completed.stderr


def test_max_file_size_must_be_a_positive_number(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", COMPLIANT)
    for value in ("nan", "inf", "-1", "0"):
        completed = run_cli("scan", ".", "--max-file-size", value, cwd=tmp_path)
        assert completed.returncode == 2, value
        assert completed.stderr.startswith(f"ephi-lint: error: --max-file-size {float(value)}: "
                                           "expected a number of MiB greater than 0 and at most "
                                           "1048576\n")


def test_merging_a_failed_shard_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", UNDECLARED_BUCKET)
    assert run_cli("scan", ".", "-o", "sarif=good.sarif", cwd=tmp_path).returncode == 1
    _write(tmp_path, "broken.tf", "resource {\n")
    assert run_cli("scan", ".", "-o", "sarif=failed.sarif", cwd=tmp_path).returncode == 2
    completed = run_cli("merge", "good.sarif", "failed.sarif", "-o", "all.sarif", cwd=tmp_path)
    assert completed.returncode == 2
    assert "a merged run did not complete (executionSuccessful is false)" in completed.stderr
    merged = json.loads((tmp_path / "all.sarif").read_text())
    assert merged["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_the_console_script_exits_at_once_with_its_output_complete(tmp_path: Path) -> None:
    # linter.cli.run ends with os._exit once stdout and stderr are flushed: every report
    # is whole, in a pipe and in a file, and the exit code is the scan's.
    report = tmp_path / "report.sarif"
    completed = run_cli("scan", "examples/", "-f", "json", "-o", "-", "-o", f"sarif={report}")
    assert completed.returncode == 1, completed.stderr
    scanned = json.loads(completed.stdout)
    assert scanned["summary"]["failed"] > 0
    assert json.loads(report.read_text())["runs"][0]["results"]
    assert run_cli("scan", str(tmp_path / "missing")).returncode == 2
