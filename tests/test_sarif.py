"""SARIF from real scans: valid against the official schema, accepted by GitHub's rules."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from linter import __version__
from tests.conftest import REPOSITORY, run_cli

GITHUB_CHECK = REPOSITORY / "tests" / "sarif" / "sarif-github-check"


def _scan_sarif(tmp_path: Path, *args: str, cwd: Path = REPOSITORY) -> dict:
    output = tmp_path / "results.sarif"
    completed = run_cli("scan", *args, "--format", "sarif", "--output", str(output), cwd=cwd)
    assert completed.returncode in (0, 1, 2), completed.stderr
    return json.loads(output.read_text())


def _validate(document: dict, schema: dict) -> None:
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
              for error in validator.iter_errors(document)]
    assert errors == []


def test_examples_sarif_is_schema_valid(tmp_path: Path, sarif_schema: dict) -> None:
    document = _scan_sarif(tmp_path, "examples/")
    _validate(document, sarif_schema)
    run = document["runs"][0]
    assert run["results"], "the examples hold findings"
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["artifactLocation"]["uri"].startswith("examples/")
        assert location["region"]["startLine"] >= 1
        assert len(result["partialFingerprints"]["ephiLint/v1"]) == 32


def test_rule_descriptors_carry_help_tags_and_severity(tmp_path: Path) -> None:
    document = _scan_sarif(tmp_path, "examples/")
    rules = {rule["id"]: rule for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    enc = rules["ENC-001"]
    assert enc["name"] == "S3BucketsDeclareDefaultServerSideEncryption"
    assert enc["properties"]["security-severity"] == "5.5"
    assert enc["properties"]["tags"] == ["security", "encryption-at-rest", "hipaa",
                                         "HIPAA-164.312(a)(2)(iv)"]
    assert "45 CFR 164.312(a)(2)(iv)" in enc["help"]["markdown"]
    assert "aws_s3_bucket_server_side_encryption_configuration" in enc["help"]["markdown"]


def test_empty_scan_still_writes_results(tmp_path: Path, sarif_schema: dict) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    document = _scan_sarif(tmp_path, ".", cwd=empty)
    _validate(document, sarif_schema)
    assert document["runs"][0]["results"] == []
    # A scan that judged nothing does not pass (CI must not go green on an empty folder).
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert [note["message"]["text"] for note in invocation["toolExecutionNotifications"]] == [
        ".: nothing was judged: no infrastructure files found under ."]


def test_unreadable_files_become_notifications(tmp_path: Path, sarif_schema: dict) -> None:
    document = _scan_sarif(tmp_path, "tests/hostile/")
    _validate(document, sarif_schema)
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    texts = [note["message"]["text"] for note in invocation["toolExecutionNotifications"]]
    assert "tests/hostile/binary.tf: binary file (contains NUL bytes)" in texts


def test_fingerprint_survives_line_moves(tmp_path: Path) -> None:
    source = 'resource "aws_kms_key" "phi" {\n  enable_key_rotation = false\n}\n'
    (tmp_path / "main.tf").write_text(source)
    before = _scan_sarif(tmp_path, ".", cwd=tmp_path)["runs"][0]["results"][0]
    (tmp_path / "main.tf").write_text("\n\n# moved\n" + source.replace("  ", "    "))
    after = _scan_sarif(tmp_path, ".", cwd=tmp_path)["runs"][0]["results"][0]
    assert before["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert after["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert before["partialFingerprints"] == after["partialFingerprints"]


def test_sarif_category(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("")
    document = _scan_sarif(tmp_path, ".", "--sarif-category", "iac/terraform", cwd=tmp_path)
    assert document["runs"][0]["automationDetails"]["id"] == "iac/terraform/"


def _github_check(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    if not GITHUB_CHECK.is_file() or shutil.which("npm") is None:
        message = f"{GITHUB_CHECK} (or npm) not available"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return subprocess.run(["bash", str(GITHUB_CHECK), *map(str, paths)], capture_output=True,
                          text=True, timeout=900)


def test_github_code_scanning_accepts_our_sarif(tmp_path: Path) -> None:
    """Microsoft's multitool with GitHub's ingestion rules: 0 errors on every kind of scan."""
    outputs = []
    for name, args, cwd in (("examples", ["examples/"], REPOSITORY),
                            ("hostile", ["tests/hostile/"], REPOSITORY),
                            ("fixtures", ["fixtures/"], REPOSITORY)):
        output = tmp_path / f"{name}.sarif"
        run_cli("scan", *args, "-f", "sarif", "-o", str(output), cwd=cwd)
        outputs.append(output)
    empty = tmp_path / "empty"
    empty.mkdir()
    output = tmp_path / "empty.sarif"
    run_cli("scan", ".", "-f", "sarif", "-o", str(output), cwd=empty)
    outputs.append(output)
    completed = _github_check(outputs)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    for output in outputs:
        assert f"{output}: 0 error(s)" in completed.stdout


def test_github_accepts_suppressed_and_baseline_filtered_scans(tmp_path: Path,
                                                              sarif_schema: dict) -> None:
    """Suppressions (inSource and external), exception notices and a baseline-filtered
    run pass the schema and GitHub's ingestion rules."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "phi" { # ephi-lint: ignore[KEY-002] re-keyed yearly, RB-7\n'
        "  enable_key_rotation = false\n}\n"
        'resource "aws_kms_key" "archive" {\n  enable_key_rotation = false\n}\n'
        'resource "aws_kms_key" "loose" {\n'
        "  enable_key_rotation = false # ephi-lint: ignore[KEY-002]\n}\n")
    (tmp_path / ".ephi-lint.yaml").write_text(
        "waivers:\n  - rule: KEY-002\n    resource: aws_kms_key.archive\n"
        "    justification: decrypt-only archive\n    expires: 2999-01-01\n")
    suppressed = _scan_sarif(tmp_path, ".", cwd=tmp_path)
    _validate(suppressed, sarif_schema)
    kinds = {result["properties"]["resource"]: [s["kind"] for s in result.get("suppressions", [])]
             for result in suppressed["runs"][0]["results"] if result["ruleId"] == "KEY-002"}
    assert kinds == {"aws_kms_key.phi": ["inSource"], "aws_kms_key.archive": ["external"],
                     "aws_kms_key.loose": []}
    first = tmp_path / "first.sarif"
    (first).write_text(json.dumps(suppressed))
    baseline = tmp_path / "baseline.sarif"
    assert run_cli("baseline", "create", ".", "-o", str(baseline), cwd=tmp_path).returncode == 0
    (tmp_path / "more.tf").write_text('resource "aws_kms_key" "new" {\n'
                                      "  enable_key_rotation = false\n}\n")
    filtered_path = tmp_path / "filtered.sarif"
    run_cli("scan", ".", "--baseline", str(baseline), "-o", f"sarif={filtered_path}",
            cwd=tmp_path)
    filtered = json.loads(filtered_path.read_text())
    _validate(filtered, sarif_schema)
    assert {(result["ruleId"], result["properties"]["resource"])
            for result in filtered["runs"][0]["results"] if "suppressions" not in result} \
        == {("KEY-002", "aws_kms_key.new")}
    completed = _github_check([first, baseline, filtered_path])
    assert completed.returncode == 0, completed.stdout + completed.stderr
    for output in (first, baseline, filtered_path):
        assert f"{output}: 0 error(s)" in completed.stdout


# --- GitHub code scanning without noise ---------------------------------------------------

def test_examples_upload_is_small_and_accepted(tmp_path: Path, sarif_schema: dict) -> None:
    """Full help only for the rules that have results; the file stays under 100 KB."""
    output = tmp_path / "examples.sarif"
    run_cli("scan", "examples/", "-f", "sarif", "-o", str(output))
    assert output.stat().st_size < 100_000
    document = json.loads(output.read_text())
    _validate(document, sarif_schema)
    run = document["runs"][0]
    # Exactly the rules that have results, once each (the catalogue has 144).
    described = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert sorted(described) == sorted({result["ruleId"] for result in run["results"]})
    assert len(described) == len(set(described)) < 40
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["helpUri"] == (f"https://github.com/ephi-lint/ephi-lint/blob/v{__version__}"
                                   f"/docs/rules/{rule['id']}.md")
        assert (REPOSITORY / "docs" / "rules" / f"{rule['id']}.md").is_file()
        assert rule["fullDescription"]["text"] and rule["help"]["markdown"]
    completed = _github_check([output])
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert f"{output}: 0 error(s)" in completed.stdout


def test_unknown_results_are_low_notes(tmp_path: Path) -> None:
    run = _scan_sarif(tmp_path, "examples/")["runs"][0]
    unknown = [result for result in run["results"]
               if result["properties"]["outcome"] == "unknown"]
    assert [(result["ruleId"], result["properties"]["resource"], result["level"],
             result["properties"]["security-severity"]) for result in unknown] == [
        ("LOG-004", "aws_cloudtrail.organization", "note", "2.0")]
    assert all("security-severity" not in result["properties"] for result in run["results"]
               if result["properties"]["outcome"] == "fail")


def test_help_shows_the_fix_in_the_format_of_the_results(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "k" {\n'
                                      "  enable_key_rotation = false\n}\n")
    run = _scan_sarif(tmp_path, ".", "--include-rule", "KEY-002", cwd=tmp_path)["runs"][0]
    [rule] = run["tool"]["driver"]["rules"]
    assert "Terraform:\n```hcl" in rule["help"]["markdown"]
    assert "Cloudformation:" not in rule["help"]["markdown"]
    catalogue = json.loads(run_cli("rules", "--format", "sarif").stdout)["runs"][0]
    key = next(rule for rule in catalogue["tool"]["driver"]["rules"] if rule["id"] == "KEY-002")
    assert "Terraform:\n```hcl" in key["help"]["markdown"]
    assert "Cloudformation:\n```yaml" in key["help"]["markdown"]


def test_rules_sarif_is_the_whole_catalogue(sarif_schema: dict) -> None:
    completed = run_cli("rules", "--format", "sarif")
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    _validate(document, sarif_schema)
    listed = json.loads(run_cli("rules", "--format", "json").stdout)
    run = document["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == \
        [rule["id"] for rule in listed]
    assert run["results"] == []
    enc = next(rule for rule in run["tool"]["driver"]["rules"] if rule["id"] == "ENC-001")
    assert enc["properties"]["security-severity"] == "5.5"
    assert enc["helpUri"].endswith("/docs/rules/ENC-001.md")


SUPPRESSED_KEYS = (
    'resource "aws_kms_key" "waived" { # ephi-lint: ignore[KEY-002] decrypt-only, RB-7\n'
    "  enable_key_rotation = false\n}\n"
    'resource "aws_kms_key" "open" {\n  enable_key_rotation = false\n}\n')


def test_suppressed_results_can_be_left_out_of_an_upload(tmp_path: Path,
                                                         sarif_schema: dict) -> None:
    (tmp_path / "main.tf").write_text(SUPPRESSED_KEYS)
    kept = _scan_sarif(tmp_path, ".", "--include-rule", "KEY-002", cwd=tmp_path)
    assert sorted((result["properties"]["resource"], "suppressions" in result)
                  for result in kept["runs"][0]["results"]) == [
        ("aws_kms_key.open", False), ("aws_kms_key.waived", True)]
    for args, config in ((["--sarif-omit-suppressed"], ""),
                         ([], "sarif_omit_suppressed: true\n")):
        (tmp_path / ".ephi-lint.yaml").write_text(config or "version: 1\n")
        document = _scan_sarif(tmp_path, ".", "--include-rule", "KEY-002", *args,
                               cwd=tmp_path)
        _validate(document, sarif_schema)
        run = document["runs"][0]
        assert [result["properties"]["resource"] for result in run["results"]] == [
            "aws_kms_key.open"]
        assert [note["message"]["text"] for note in
                run["invocations"][0]["toolExecutionNotifications"]] == [
            "1 suppressed results were left out (--sarif-omit-suppressed); the JSON report "
            "lists them with their justifications"]
    (tmp_path / ".ephi-lint.yaml").write_text("sarif_omit_suppressed: true\n")
    overridden = _scan_sarif(tmp_path, ".", "--include-rule", "KEY-002",
                             "--sarif-keep-suppressed", cwd=tmp_path)
    assert len(overridden["runs"][0]["results"]) == 2


def test_provenance_in_the_run(tmp_path: Path, sarif_schema: dict) -> None:
    (tmp_path / "main.tf").write_text(SUPPRESSED_KEYS)
    document = _scan_sarif(tmp_path, ".", "--include-rule", "KEY-002", cwd=tmp_path)
    _validate(document, sarif_schema)
    run = document["runs"][0]
    invocation = run["invocations"][0]
    assert invocation["startTimeUtc"] <= invocation["endTimeUtc"]
    assert invocation["commandLine"].startswith("ephi-lint scan . --include-rule KEY-002")
    assert invocation["properties"]["ruleFiles"] > 100
    assert [(artifact["location"]["uri"], artifact["hashes"]["sha-256"])
            for artifact in run["artifacts"]] == [
        ("main.tf", hashlib.sha256(SUPPRESSED_KEYS.encode()).hexdigest())]
    assert "versionControlProvenance" not in run  # not a repository
