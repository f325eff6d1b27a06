"""Baselines: `baseline create` writes a SARIF file of today's findings; `--baseline`
reports only findings not in it, matched by fingerprint (rule + resource + attribute
path), so moved and reformatted code keeps its identity; `--update-baseline` adds to a
baseline without dropping what it already holds (checkov#6858)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

KEYS = ('resource "aws_kms_key" "phi" {\n  enable_key_rotation = false\n}\n\n'
        'resource "aws_kms_key" "archive" {\n  enable_key_rotation = false\n}\n')


def _findings(directory: Path, *args: str) -> tuple[int, set[tuple[str, str, int, str]]]:
    completed = run_cli("scan", ".", "--include-rule", "KEY-002", "-f", "json", *args,
                        cwd=directory)
    assert completed.returncode in (0, 1), completed.stderr
    report = json.loads(completed.stdout)
    return completed.returncode, {(item["rule"], item["file"], item["line"], item["resource"])
                                  for item in report["findings"]}


def _create(directory: Path, baseline: Path) -> None:
    completed = run_cli("baseline", "create", ".", "-o", str(baseline), "--include-rule",
                        "KEY-002", cwd=directory)
    assert completed.returncode == 0, completed.stderr
    assert f"{baseline}: baseline of 2 findings" in completed.stderr


def test_baseline_hides_known_findings_even_after_moves_and_reformatting(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(KEYS)
    baseline = tmp_path / "baseline.sarif"
    _create(tmp_path, baseline)
    results = json.loads(baseline.read_text())["runs"][0]["results"]
    assert sorted((result["ruleId"], result["properties"]["resource"]) for result in results) \
        == [("KEY-002", "aws_kms_key.archive"), ("KEY-002", "aws_kms_key.phi")]
    # Lines move, indentation and spacing change, resources swap order, a new key appears.
    (tmp_path / "main.tf").write_text(
        "# keys for the clinic\n\n"
        'resource "aws_kms_key" "archive" {\n    description         =   "old scans"\n'
        "    enable_key_rotation =   false\n}\n\n"
        'resource "aws_kms_key" "phi" {\n\n\n    enable_key_rotation = false\n}\n'
        'resource "aws_kms_key" "new" {\n  enable_key_rotation = false\n}\n')
    code, findings = _findings(tmp_path, "--baseline", str(baseline))
    assert (code, findings) == (1, {("KEY-002", "main.tf", 14, "aws_kms_key.new")})
    code, everything = _findings(tmp_path)
    assert everything == {("KEY-002", "main.tf", 5, "aws_kms_key.archive"),
                          ("KEY-002", "main.tf", 11, "aws_kms_key.phi"),
                          ("KEY-002", "main.tf", 14, "aws_kms_key.new")}
    text = run_cli("scan", ".", "--include-rule", "KEY-002", "--baseline", str(baseline),
                   cwd=tmp_path).stdout
    assert "; 2 in the baseline not shown" in text.splitlines()[-1]


def test_moving_a_file_is_a_new_identity_for_terraform_modules(tmp_path: Path) -> None:
    """The module folder is part of a Terraform address's identity: the same resource in
    another module is another resource."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "main.tf").write_text(KEYS)
    baseline = tmp_path / "baseline.sarif"
    _create(tmp_path, baseline)
    (tmp_path / "a" / "main.tf").rename(tmp_path / "a" / "keys.tf")  # same module: same ids
    assert _findings(tmp_path, "--baseline", str(baseline)) == (0, set())


def test_update_baseline_merges_instead_of_replacing(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(KEYS)
    baseline = tmp_path / "baseline.sarif"
    _create(tmp_path, baseline)
    # The archive key is deleted and a new key with the same problem is accepted.
    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "phi" {\n  enable_key_rotation = false\n}\n'
        'resource "aws_kms_key" "new" {\n  enable_key_rotation = false\n}\n')
    completed = run_cli("scan", ".", "--include-rule", "KEY-002", "--baseline", str(baseline),
                        "--update-baseline", cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = json.loads(baseline.read_text())["runs"][0]["results"]
    assert sorted(result["properties"]["resource"] for result in results) == [
        "aws_kms_key.archive", "aws_kms_key.new", "aws_kms_key.phi"]
    # The old entry still applies if the archive key comes back.
    (tmp_path / "main.tf").write_text(KEYS)
    assert _findings(tmp_path, "--baseline", str(baseline)) == (0, set())


def test_baseline_errors(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(KEYS)
    missing = run_cli("scan", ".", "--baseline", "nope.sarif", cwd=tmp_path)
    assert (missing.returncode, "--baseline nope.sarif: no such file" in missing.stderr) \
        == (2, True)
    (tmp_path / "bad.sarif").write_text("{}")
    bad = run_cli("scan", ".", "--baseline", "bad.sarif", cwd=tmp_path)
    assert (bad.returncode, "bad.sarif: not a SARIF 2.1.0 log" in bad.stderr) == (2, True)
    (tmp_path / "broken.tf").write_text("resource {\n")
    refused = run_cli("baseline", "create", ".", "-o", "b.sarif", cwd=tmp_path)
    assert refused.returncode == 2
    assert "not writing b.sarif: the scan had errors" in refused.stderr
    assert not (tmp_path / "b.sarif").exists()
