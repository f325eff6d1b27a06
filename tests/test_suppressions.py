"""Documented exceptions: inline `ephi-lint: ignore[...]` comments and config waivers.

Every test asserts the exact finding (rule, file, line, resource) and where it went:
open, suppressed (with its justification), or reported again with a notice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.input_facts import facts_of
from linter.suppress import parse_directives
from tests.conftest import REPOSITORY, run_cli

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
    # The waiver's terms travel with the notice (additive JSON fields), so the exceptions
    # register needs no parsing of the message.
    assert {key: expired[0][key] for key in ("rule", "resource", "justification",
                                             "approved_by", "expires")} == {
        "rule": "KEY-002", "resource": "aws_kms_key.phi", "justification": "temporary",
        "approved_by": "", "expires": "2020-01-31"}


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


# --- checkov's skip comments ----------------------------------------------------------
# CKV_AWS_7 (KMS key rotation) is KEY-002's checkov equivalent in rules/.

CHECKOV_KEYS = (
    'resource "aws_kms_key" "archive" {\n'
    "  enable_key_rotation = false\n"
    "  # checkov:skip=CKV_AWS_7:archive key, decrypt-only since 2025 (RB-7)\n"
    "  # checkov:skip=CKV_AWS_33:not an ephi-lint check, left to checkov\n"
    "}\n"
    "\n"
    "# checkov:skip=CKV_AWS_7:outside any block, so it covers nothing\n"
    'resource "aws_kms_key" "phi" {\n'
    "  enable_key_rotation = false\n"
    "}\n")


def test_checkov_skip_inside_a_terraform_block_excepts_the_equivalent_rule(
        tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CHECKOV_KEYS)
    code, report = _scan(tmp_path)
    assert code == 1
    assert _findings(report["suppressed"]) == {("KEY-002", "main.tf", 2, "aws_kms_key.archive")}
    assert report["suppressed"][0]["suppression"] == {
        "kind": "inSource", "justification": "archive key, decrypt-only since 2025 (RB-7)",
        "source": "main.tf:3", "compensating_control": "", "approved_by": "", "expires": ""}
    # The skip above `phi` is outside its block, as checkov reads it: phi stays open.
    assert _findings(report["findings"]) == {("KEY-002", "main.tf", 9, "aws_kms_key.phi")}
    # checkov may still need a skip for its own checks: none is reported as unused.
    assert report["notices"] == []


def test_checkov_skip_in_a_cloudformation_resource(tmp_path: Path) -> None:
    (tmp_path / "keys.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\n'
        "Resources:\n"
        "  BackupKey:\n"
        "    Type: AWS::KMS::Key\n"
        "    Properties:\n"
        "      # checkov:skip=CKV_AWS_7: decrypt-only archive key\n"
        "      EnableKeyRotation: false\n"
        "  PhiKey:\n"
        "    Type: AWS::KMS::Key\n"
        "    Properties:\n"
        "      EnableKeyRotation: false\n")
    code, report = _scan(tmp_path)
    assert code == 1
    assert _findings(report["suppressed"]) == {("KEY-002", "keys.yaml", 7, "BackupKey")}
    assert report["suppressed"][0]["suppression"]["justification"] == "decrypt-only archive key"
    assert report["suppressed"][0]["suppression"]["source"] == "keys.yaml:6"
    assert _findings(report["findings"]) == {("KEY-002", "keys.yaml", 11, "PhiKey")}


@pytest.mark.parametrize(("name", "text", "marked"), [
    ("main.tf", "# ephi-lint: ignore[ENC-001] archive bucket\n", True),
    ("main.tf", "  #checkov:skip=CKV_AWS_19:archive bucket\n", True),
    ("main.tf", "  # bridgecrew:skip= CKV_AWS_19: archive bucket\n", True),
    ("stack.yaml", "    Metadata:\n      checkov:\n        skip:\n          - id: CKV_AWS_7\n",
     True),
    ("stack.json", '{"Metadata": {"bridgecrew": {"skip": [{"id": "CKV_AWS_7"}]}}}', True),
    # Words module repositories write: the file holds no directive and is not read again.
    ("main.tf", "  skip_final_snapshot = true\n  skip_destroy = false\n", False),
    ("main.tf", "# Compliance: see checkov's CKV_AWS_19\n", False),  # a .tf holds comments only
])
def test_only_a_file_that_may_hold_a_directive_is_read_for_directives(
        name: str, text: str, marked: bool) -> None:
    assert facts_of(name, text.encode())[0] is marked
    if not marked:
        assert parse_directives(text, name) == []


def test_checkov_skip_in_cloudformation_metadata(tmp_path: Path) -> None:
    # checkov reads a resource's skips from Metadata too, the comment as the reason.
    skip = ("    Metadata:\n"
            "      checkov:\n"
            "        skip:\n"
            "          - id: CKV_AWS_7\n")
    (tmp_path / "keys.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\n'
        "Resources:\n"
        "  BackupKey:\n"
        "    Type: AWS::KMS::Key\n"
        + skip +
        "            comment: decrypt-only archive key\n"
        "    Properties:\n"
        "      EnableKeyRotation: false\n"
        "  PhiKey:\n"
        "    Type: AWS::KMS::Key\n"
        + skip +
        "    Properties:\n"
        "      EnableKeyRotation: false\n")
    code, report = _scan(tmp_path)
    assert code == 1
    assert _findings(report["suppressed"]) == {("KEY-002", "keys.yaml", 11, "BackupKey")}
    assert report["suppressed"][0]["suppression"]["justification"] == "decrypt-only archive key"
    assert report["suppressed"][0]["suppression"]["source"] == "keys.yaml:8"
    # Without a comment the skip does not suppress, and the notice says how to justify it.
    assert _findings(report["findings"]) == {("KEY-002", "keys.yaml", 19, "PhiKey")}
    assert _notices(report) == {("missing-justification", "keys.yaml", 17)}
    assert report["notices"][0]["message"].endswith(
        "so it does not suppress: add `comment: <why this is acceptable>` to the skip of "
        "CKV_AWS_7 in the resource's Metadata")


def test_checkov_skip_without_a_reason_does_not_suppress(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "phi" {\n'
        "  enable_key_rotation = false # checkov:skip=CKV_AWS_7\n"
        "}\n")
    code, report = _scan(tmp_path)
    assert code == 1
    assert _findings(report["findings"]) == {("KEY-002", "main.tf", 2, "aws_kms_key.phi")}
    assert report["suppressed"] == []
    assert _notices(report) == {("missing-justification", "main.tf", 2)}
    notice = report["notices"][0]
    assert (notice["rule"], notice["resource"]) == ("KEY-002", "aws_kms_key.phi")
    assert notice["message"] == (
        "checkov skip of CKV_AWS_7 (ephi-lint KEY-002) at main.tf:2 has no justification, "
        "so it does not suppress: write `checkov:skip=CKV_AWS_7:<why this is acceptable>`")


def test_policy_forbidding_inline_suppressions_forbids_checkov_skips(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "phi" {\n'
        "  # checkov:skip=CKV_AWS_7:we rotate by hand\n"
        "  enable_key_rotation = false\n"
        "}\n")
    (tmp_path / ".ephi-lint.yaml").write_text("forbid_inline_suppressions: true\n")
    code, report = _scan(tmp_path)
    assert code == 1
    assert _findings(report["findings"]) == {("KEY-002", "main.tf", 3, "aws_kms_key.phi")}
    assert _notices(report) == {("inline-forbidden", "main.tf", 2)}
    assert report["notices"][0]["justification"] == "we rotate by hand"

    (tmp_path / ".ephi-lint.yaml").write_text("unsuppressible_rules: [KEY-002]\n")
    code, report = _scan(tmp_path)
    assert code == 1
    assert _findings(report["findings"]) == {("KEY-002", "main.tf", 3, "aws_kms_key.phi")}
    assert _notices(report) == {("unsuppressible", "main.tf", 2)}


def test_checkov_skip_comments_do_not_apply_to_kubernetes(tmp_path: Path) -> None:
    # checkov reads Kubernetes skips from annotations, never from comments: a comment
    # there skips nothing in checkov, so it excepts nothing here either.
    fixture = REPOSITORY / "fixtures" / "ENC-060" / "fail.k8s.yaml"
    text = fixture.read_text().replace(
        "kind: Pod\n", "kind: Pod\n# checkov:skip=CKV_K8S_104:etcd is on an encrypted disk\n")
    (tmp_path / "apiserver.k8s.yaml").write_text(text)
    completed = run_cli("scan", ".", "--include-rule", "ENC-060", "-f", "json", cwd=tmp_path)
    report = json.loads(completed.stdout)
    assert _findings(report["findings"]) == {
        ("ENC-060", "apiserver.k8s.yaml", 2, "Pod/kube-system/kube-apiserver")}
    assert report["suppressed"] == []


def test_waiver_tags_must_all_be_on_the_resource(tmp_path: Path) -> None:
    """`ephi-lint aws` waivers may name tags (KEY=VALUE globs): every one must be on the
    resource, as the live scan read its tags (Policy.tags_of, by address)."""
    from linter.conditions import Status
    from linter.config import load_config
    from linter.engine import catalogue_directory, load_rules
    from linter.pipeline import ScanRequest, scan
    from linter.suppress import Policy

    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "phi" {\n  enable_key_rotation = false\n}\n')
    (tmp_path / ".ephi-lint.yaml").write_text(
        "waivers:\n  - rule: KEY-002\n    tags: ['data-class=public*', 'team = web']\n"
        "    justification: Marketing keys only, no ePHI.\n")
    config = load_config(tmp_path / ".ephi-lint.yaml")
    assert config.waivers[0].tags == (("data-class", "public*"), ("team", "web"))
    rules = [rule for rule in load_rules([catalogue_directory("rules")]) if rule.id == "KEY-002"]
    outcomes = [outcome for outcome in
                scan(ScanRequest(paths=[tmp_path / "main.tf"], root=tmp_path, rules=rules)).outcomes
                if outcome.status is Status.FAIL]
    assert [(o.rule.id, o.resource.address) for o in outcomes] == [("KEY-002", "aws_kms_key.phi")]

    tagged = {"aws_kms_key.phi": {"data-class": "public-assets", "team": "web"}}
    policy = Policy(config, tmp_path, ["KEY-002"], tags_of=tagged.get)
    [kept] = policy.apply(outcomes, [])
    assert kept.suppression is not None
    assert kept.suppression.source == ".ephi-lint.yaml:2"
    assert policy.notices == []

    one_missing = {"aws_kms_key.phi": {"team": "web"}}
    for tags_of in (one_missing.get, None):  # a tag missing, or tags not read at all
        policy = Policy(config, tmp_path, ["KEY-002"], tags_of=tags_of)
        [kept] = policy.apply(outcomes, [])
        assert kept.suppression is None
        assert [(notice.kind, notice.line) for notice in policy.notices] == [
            ("unused-waiver", 2)]
