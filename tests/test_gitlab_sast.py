"""GitLab SAST report: valid against GitLab's published schema (tests/gitlab/), one
vulnerability per open finding with the rule and its HIPAA citations as identifiers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import REPOSITORY, run_cli

SCHEMA = REPOSITORY / "tests" / "gitlab" / "sast-report-format.json"
STACK = ('resource "aws_kms_key" "phi" {\n  enable_key_rotation = false\n}\n\n'
         'resource "aws_kms_key" "waived" { # ephi-lint: ignore[KEY-002] decrypt-only, RB-7\n'
         "  enable_key_rotation = false\n}\n\n"
         'resource "aws_kms_key" "archive" {\n  enable_key_rotation = var.rotate\n}\n\n'
         'variable "rotate" {}\n')


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def _validate(document: dict, schema: dict) -> None:
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    assert [f"{list(error.absolute_path)}: {error.message}"
            for error in validator.iter_errors(document)] == []


def _report(directory: Path, *args: str) -> tuple[int, dict]:
    completed = run_cli("scan", ".", *args, "-o", "gitlab-sast=gl-sast-report.json",
                        cwd=directory)
    return completed.returncode, json.loads((directory / "gl-sast-report.json").read_text())


def test_the_vendored_schema_is_gitlabs_sast_schema(schema: dict) -> None:
    jsonschema.Draft7Validator.check_schema(schema)
    assert (schema["title"], schema["self"]["version"]) == ("Report format for GitLab SAST",
                                                            "15.0.7")
    assert schema["properties"]["scan"]["properties"]["type"]["enum"] == ["sast"]


def test_examples_report_is_valid(tmp_path: Path, schema: dict) -> None:
    output = tmp_path / "gl-sast-report.json"
    completed = run_cli("scan", "examples/", "-o", f"gitlab-sast={output}")
    assert completed.returncode == 1, completed.stderr
    document = json.loads(output.read_text())
    _validate(document, schema)
    assert document["version"] == "15.0.7"
    assert document["schema"].endswith("/v15.0.7/dist/sast-report-format.json")
    scan = document["scan"]
    assert (scan["type"], scan["status"], scan["analyzer"]["id"]) == ("sast", "success",
                                                                      "ephi-lint")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", scan["start_time"])
    found = {(item["identifiers"][0]["value"], item["location"]["file"],
              item["location"]["start_line"], item["severity"])
             for item in document["vulnerabilities"]}
    assert ("PLN-002", "examples/dermatology-practice/cloudformation/portal-cdn.json", 55,
            "High") in found
    assert len({item["id"] for item in document["vulnerabilities"]}) == \
        len(document["vulnerabilities"])


def test_vulnerability_fields(tmp_path: Path, schema: dict) -> None:
    (tmp_path / "main.tf").write_text(STACK)
    code, document = _report(tmp_path, "--include-rule", "KEY-002")
    assert code == 1
    _validate(document, schema)
    by_resource = {item["details"]["resource"]["value"]: item
                   for item in document["vulnerabilities"]}
    # The suppressed key is not a vulnerability: GitLab keeps its own dismissals.
    assert set(by_resource) == {"aws_kms_key.phi", "aws_kms_key.archive"}
    key = by_resource["aws_kms_key.phi"]
    assert (key["category"], key["severity"], key["location"]) == (
        "sast", "Medium", {"file": "main.tf", "start_line": 2, "end_line": 2})
    assert key["identifiers"] == [
        {"type": "ephi_lint_rule_id", "name": "ephi-lint KEY-002", "value": "KEY-002",
         "url": key["identifiers"][0]["url"]},
        {"type": "hipaa", "name": "HIPAA 45 CFR 164.312(a)(2)(iv)",
         "value": "164.312(a)(2)(iv)",
         "url": "https://www.ecfr.gov/current/title-45/section-164.312"}]
    assert key["identifiers"][0]["url"].endswith("/docs/rules/KEY-002.md")
    assert key["name"] == "Customer-managed KMS keys rotate automatically"
    assert key["solution"] == ("Enable automatic rotation on every symmetric customer-managed "
                               "key.")
    assert key["description"].startswith("KMS key aws_kms_key.phi does not rotate")
    # UNKNOWN (rotation is a variable with no value) is the lowest severity.
    archive = by_resource["aws_kms_key.archive"]
    assert (archive["identifiers"][0]["value"], archive["severity"],
            archive["location"]["start_line"], archive["details"]["outcome"]["value"]) == (
        "KEY-002", "Info", 10, "unknown")


def test_ids_survive_line_moves(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(STACK)
    _, before = _report(tmp_path, "--include-rule", "KEY-002")
    (tmp_path / "main.tf").write_text("\n\n" + STACK)
    _, after = _report(tmp_path, "--include-rule", "KEY-002")
    assert [(item["id"], item["location"]["start_line"]) for item in before["vulnerabilities"]] \
        == [(item["id"], item["location"]["start_line"] - 2)
            for item in after["vulnerabilities"]]


def test_a_file_not_scanned_fails_the_scan_and_is_a_message(tmp_path: Path,
                                                            schema: dict) -> None:
    (tmp_path / "main.tf").write_text(STACK)
    (tmp_path / "broken.tf").write_text("resource {\n")
    code, document = _report(tmp_path, "--include-rule", "KEY-002")
    assert code == 2
    _validate(document, schema)
    assert document["scan"]["status"] == "failure"
    assert [message["level"] for message in document["scan"]["messages"]] == ["warn"]
    assert document["scan"]["messages"][0]["value"].startswith("broken.tf: ")


def test_a_clean_scan_has_no_vulnerability(tmp_path: Path, schema: dict) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "k" {\n'
                                      "  enable_key_rotation = true\n}\n")
    code, document = _report(tmp_path, "--include-rule", "KEY-002")
    assert code == 0
    _validate(document, schema)
    assert document["vulnerabilities"] == []
    assert document["scan"]["primary_identifiers"] == [
        {"type": "ephi_lint_rule_id", "name": "ephi-lint KEY-002", "value": "KEY-002",
         "url": document["scan"]["primary_identifiers"][0]["url"]}]
