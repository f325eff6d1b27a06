"""Documented exceptions: inline `ephi-lint: ignore[...]` comments and config waivers.

Every test asserts the exact finding (rule, file, line, resource) and where it went:
open, suppressed (with its justification), or reported again with a notice.
"""

from __future__ import annotations

import json
from pathlib import Path

from linter.suppress import parse_directives
from tests.conftest import run_cli

Finding = tuple[str, str, int, str]


def _scan(directory: Path, *args: str) -> tuple[int, dict]:
    completed = run_cli("scan", ".", "--include-rule", "KEY-002", "-f", "json", *args,
                        cwd=directory)
    assert completed.returncode in (0, 1), completed.stderr
    return completed.returncode, json.loads(completed.stdout)


def _findings(items: list[dict]) -> set[Finding]:
    return {(item["rule"], item["file"], item["line"], item["resource"]) for item in items}


def _notices(report: dict) -> set[tuple[str, str, int]]:
    return {(notice["kind"], notice["path"], notice["line"]) for notice in report["notices"]}


def test_resource_line_suppression_covers_the_resource(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "phi" { # ephi-lint: ignore[KEY-002] re-keyed yearly, RB-7\n'
        "  enable_key_rotation = false\n"
        "}\n")
    code, report = _scan(tmp_path)
    assert code == 0  # a justified suppression does not gate
    assert report["findings"] == []
    assert _findings(report["suppressed"]) == {("KEY-002", "main.tf", 2, "aws_kms_key.phi")}
    assert report["suppressed"][0]["suppression"] == {
        "kind": "inSource", "justification": "re-keyed yearly, RB-7", "source": "main.tf:1",
        "compensating_control": "", "approved_by": "", "expires": ""}
    assert report["summary"]["suppressed"] == 1
    assert report["notices"] == []


def test_comment_line_attaches_to_the_next_code_line(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "phi" {\n'
        "  // ephi-lint: ignore[KEY-002] rotation by the HSM runbook\n"
        "\n"
        "  enable_key_rotation = false\n"
        "}\n")
    _, report = _scan(tmp_path)
    assert _findings(report["suppressed"]) == {("KEY-002", "main.tf", 4, "aws_kms_key.phi")}
    assert report["suppressed"][0]["suppression"]["source"] == "main.tf:2"


def test_cloudformation_suppression_on_the_logical_id_line(tmp_path: Path) -> None:
    (tmp_path / "keys.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\n'
        "Resources:\n"
        "  BackupKey: # ephi-lint: ignore[KEY-002] archived key, decrypt-only\n"
        "    Type: AWS::KMS::Key\n"
        "  PhiKey:\n"
        "    Type: AWS::KMS::Key\n"
        "    Properties:\n"
        "      EnableKeyRotation: false\n")
    code, report = _scan(tmp_path)
    assert code == 1
    assert _findings(report["suppressed"]) == {("KEY-002", "keys.yaml", 3, "BackupKey")}
    assert _findings(report["findings"]) == {("KEY-002", "keys.yaml", 8, "PhiKey")}


def test_suppression_without_justification_does_not_suppress(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "phi" {\n'
        "  enable_key_rotation = false # ephi-lint: ignore[KEY-002]\n"
        "}\n")
    code, report = _scan(tmp_path)
    assert code == 1
    assert _findings(report["findings"]) == {("KEY-002", "main.tf", 2, "aws_kms_key.phi")}
    assert report["suppressed"] == []
    assert _notices(report) == {("missing-justification", "main.tf", 2)}


def test_unused_inline_suppression_is_reported(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "phi" {\n'
        "  enable_key_rotation = true # ephi-lint: ignore[KEY-002] left over\n"
        "}\n")
    code, report = _scan(tmp_path)
    assert code == 0
    assert _notices(report) == {("unused-suppression", "main.tf", 2)}
    text = run_cli("scan", ".", "--include-rule", "KEY-002", "--no-color", cwd=tmp_path).stdout
    assert "main.tf:2  unused-suppression: inline suppression of KEY-002 at main.tf:2 " \
           "matches no finding" in text


def test_several_ids_each_with_its_own_justification() -> None:
    line = "  x = 1 # ephi-lint: ignore[ENC-001] no PHI here; ignore[KEY-001,key-002] shared key"
    directives = parse_directives(f"a\n{line}\n", "main.tf")
    assert [(d.rule, d.line, d.target, d.justification) for d in directives] == [
        ("ENC-001", 2, 2, "no PHI here"), ("KEY-001", 2, 2, "shared key"),
        ("KEY-002", 2, 2, "shared key")]
    empty = parse_directives("# ephi-lint: ignore[ENC-001]; ignore[KEY-002] why\nx = 1\n", "f")
    assert [(d.rule, d.target, d.justification) for d in empty] == [
        ("ENC-001", 2, ""), ("KEY-002", 2, "why")]


KEYS = ('resource "aws_kms_key" "phi" {\n  enable_key_rotation = false\n}\n\n'
        'resource "aws_kms_key" "archive" {\n  enable_key_rotation = false\n}\n')


def test_waivers_suppress_expire_and_go_stale(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(KEYS)
    (tmp_path / ".ephi-lint.yaml").write_text(
        "waivers:\n"
        "  - rule: KEY-002\n"
        "    resource: aws_kms_key.archive\n"
        "    paths: [main.tf]\n"
        "    justification: decrypt-only archive key\n"
        "    compensating_control: key disabled for Encrypt by key policy\n"
        "    approved_by: security@clinic.example\n"
        "    expires: 2999-12-31\n"
        "  - rule: KEY-002\n"
        "    resource: aws_kms_key.phi\n"
        "    justification: temporary\n"
        "    expires: 2020-01-31\n"
        "  - rule: KEY-00*\n"
        "    resource: aws_kms_key.gone\n"
        "    justification: resource was deleted\n")
    code, report = _scan(tmp_path)
    assert code == 1
    assert _findings(report["findings"]) == {("KEY-002", "main.tf", 2, "aws_kms_key.phi")}
    assert _findings(report["suppressed"]) == {("KEY-002", "main.tf", 6, "aws_kms_key.archive")}
    assert report["suppressed"][0]["suppression"] == {
        "kind": "external", "justification": "decrypt-only archive key",
        "source": ".ephi-lint.yaml:2",
        "compensating_control": "key disabled for Encrypt by key policy",
        "approved_by": "security@clinic.example", "expires": "2999-12-31"}
    assert _notices(report) == {("expired-waiver", ".ephi-lint.yaml", 9),
                                ("unused-waiver", ".ephi-lint.yaml", 13)}
    expired = [notice for notice in report["notices"] if notice["kind"] == "expired-waiver"]
    assert "expired on 2020-01-31" in expired[0]["message"]


def test_policy_forbids_inline_and_protects_rules(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "phi" { # ephi-lint: ignore[KEY-002] we rotate by hand\n'
        "  enable_key_rotation = false\n}\n")
    (tmp_path / ".ephi-lint.yaml").write_text("forbid_inline_suppressions: true\n")
    code, report = _scan(tmp_path)
    assert code == 1
    assert _findings(report["findings"]) == {("KEY-002", "main.tf", 2, "aws_kms_key.phi")}
    assert _notices(report) == {("inline-forbidden", "main.tf", 1)}

    (tmp_path / ".ephi-lint.yaml").write_text(
        "unsuppressible_rules: [KEY-*]\n"
        "waivers:\n  - rule: KEY-002\n    justification: please\n")
    code, report = _scan(tmp_path)
    assert code == 1
    assert _findings(report["findings"]) == {("KEY-002", "main.tf", 2, "aws_kms_key.phi")}
    assert _notices(report) == {("unsuppressible", "main.tf", 1),
                                ("unsuppressible", ".ephi-lint.yaml", 3)}


def test_suppressed_findings_stay_in_sarif_and_text(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "phi" { # ephi-lint: ignore[KEY-002] re-keyed yearly\n'
        "  enable_key_rotation = false\n}\n")
    output = tmp_path / "out.sarif"
    completed = run_cli("scan", ".", "--include-rule", "KEY-002", "-o", f"sarif={output}",
                        "-o", "text", "--no-color", cwd=tmp_path)
    assert completed.returncode == 0
    assert "main.tf:2  KEY-002  aws_kms_key.phi: re-keyed yearly (main.tf:1)" in completed.stdout
    assert completed.stdout.splitlines()[-1].startswith("0 failed, 0 unknown, 0 passed, "
                                                        "1 suppressed:")
    result = json.loads(output.read_text())["runs"][0]["results"][0]
    assert result["ruleId"] == "KEY-002"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert result["suppressions"] == [{
        "kind": "inSource", "status": "accepted", "justification": "re-keyed yearly",
        "properties": {"source": "main.tf:1"},
        "location": {"physicalLocation": {
            "artifactLocation": {"uri": "main.tf", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 1}}}}]
