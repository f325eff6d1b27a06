"""`.ephi-lint.yaml`: found by walking up, validated with errors that name file, line and
key (exit 2), and applied: threshold, rule selection, per-path rules, excludes, parse-error
policy. `ephi-lint init` writes a valid starter file and never overwrites one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.config import STARTER_CONFIG, Config, load_config, path_matches
from tests.conftest import run_cli

UNROTATED = 'resource "aws_kms_key" "phi" {\n  enable_key_rotation = false\n}\n'


def _json(directory: Path, *args: str) -> tuple[int, dict]:
    completed = run_cli("scan", *args, "-f", "json", cwd=directory)
    assert completed.returncode in (0, 1), completed.stderr
    return completed.returncode, json.loads(completed.stdout)


def _findings(report: dict) -> set[tuple[str, str, int, str]]:
    return {(item["rule"], item["file"], item["line"], item["resource"])
            for item in report["findings"]}


def test_config_is_found_by_walking_up(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(UNROTATED)
    (tmp_path / ".ephi-lint.yaml").write_text("severity_threshold: high\n")
    code, report = _json(tmp_path / "infra", ".")
    assert (code, report["findings"], report["summary"]["threshold"]) == (0, [], "high")
    code, report = _json(tmp_path / "infra", ".", "--no-config", "--include-rule", "KEY-002")
    assert _findings(report) == {("KEY-002", "main.tf", 2, "aws_kms_key.phi")}
    # The command line wins over the file.
    code, report = _json(tmp_path / "infra", ".", "--severity-threshold", "low",
                         "--include-rule", "KEY-002")
    assert _findings(report) == {("KEY-002", "main.tf", 2, "aws_kms_key.phi")}


def test_explicit_config_rule_selection_and_per_path_overrides(tmp_path: Path) -> None:
    for folder in ("prod", "sandbox"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "main.tf").write_text(UNROTATED)
    config = tmp_path / "policy.yaml"
    config.write_text("rules:\n  enable: ['KEY-*']\n  disable: [KEY-003]\n"
                      "overrides:\n  - paths: [sandbox/]\n    disable: [KEY-002]\n")
    code, report = _json(tmp_path, ".", "--config", str(config))
    assert code == 1
    assert _findings(report) == {("KEY-002", "prod/main.tf", 2, "aws_kms_key.phi")}
    assert report["summary"]["rules"] == len([rule for rule in json.loads(
        run_cli("rules", "-f", "json").stdout) if rule["id"].startswith("KEY-")]) - 1


def test_excludes_skip_files(tmp_path: Path) -> None:
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "main.tf").write_text(UNROTATED)
    (tmp_path / "main.tf").write_text(UNROTATED.replace("phi", "mine"))
    (tmp_path / ".ephi-lint.yaml").write_text("exclude: ['vendor/**']\n")
    _, report = _json(tmp_path, ".", "--include-rule", "KEY-002")
    assert _findings(report) == {("KEY-002", "main.tf", 2, "aws_kms_key.mine")}
    assert report["summary"]["files_scanned"] == 1  # neither vendor/ nor the config file


@pytest.mark.parametrize(("text", "expected"), [
    ("severity_threshold: hi\n",
     ".ephi-lint.yaml:1: severity_threshold: 'hi' is not one of"),
    ("rules:\n  enable: []\n  disabel: [KEY-002]\n",
     ".ephi-lint.yaml:3: rules.disabel: unknown key (allowed: disable, enable)"),
    ("waivers:\n  - rule: KEY-002\n    resource: aws_kms_key.phi\n",
     ".ephi-lint.yaml:2: waivers[0]: 'justification' is a required property"),
    ("waivers:\n  - rule: KEY-002\n    justification: ok\n    expires: 2026-13-01\n",
     ".ephi-lint.yaml:4: waivers[0].expires: '2026-13-01' is not a date (write YYYY-MM-DD)"),
    ("waivers:\n  - rule: KEY-002\n    justification: '  '\n",
     ".ephi-lint.yaml:3: waivers[0].justification: a waiver must say why"),
    ("waivers: [\n", ".ephi-lint.yaml:2: not valid YAML"),
    ("version: 1\nsoft_fail: sometimes\n",
     ".ephi-lint.yaml:2: soft_fail: 'sometimes' is not of type 'boolean'"),
    ("sarif_omit_suppressed: 1\n",
     ".ephi-lint.yaml:1: sarif_omit_suppressed: 1 is not of type 'boolean'"),
])
def test_config_errors_name_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "main.tf").write_text(UNROTATED)
    (tmp_path / ".ephi-lint.yaml").write_text(text)
    completed = run_cli("scan", ".", cwd=tmp_path)
    assert completed.returncode == 2
    assert expected in completed.stderr


def test_parse_error_policy_changes_reporting_never_the_failure(tmp_path: Path) -> None:
    (tmp_path / "broken.tf").write_text('resource "aws_kms_key" "k" {\n')
    (tmp_path / "notes.txt").write_text("not infrastructure\n")
    (tmp_path / ".ephi-lint.yaml").write_text("parse_errors: quiet\n")
    code_and_report = run_cli("scan", ".", "notes.txt", "-f", "json", cwd=tmp_path)
    report = json.loads(code_and_report.stdout)
    assert code_and_report.returncode == 2  # quiet reporting never turns an error into a pass
    assert [problem["file"] for problem in report["problems"]] == ["broken.tf"]
    (tmp_path / "broken.tf").write_text('resource "aws_kms_key" "k" {\n'
                                        "  enable_key_rotation = true\n}\n")
    assert run_cli("scan", ".", "notes.txt", "--include-rule", "KEY-002",
                   cwd=tmp_path).returncode == 0
    (tmp_path / ".ephi-lint.yaml").write_text("parse_errors: strict\n")
    completed = run_cli("scan", ".", "notes.txt", "-f", "json", cwd=tmp_path)
    assert completed.returncode == 2  # strict: the skipped file is an error too
    assert [(problem["file"], problem["level"])
            for problem in json.loads(completed.stdout)["problems"]] == [("notes.txt", "error")]


def test_init_writes_a_valid_starter_and_refuses_to_overwrite(tmp_path: Path) -> None:
    completed = run_cli("init", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    text = (tmp_path / ".ephi-lint.yaml").read_text()
    assert "# Documented exceptions" in text and "justification" in text
    (tmp_path / "main.tf").write_text(UNROTATED)
    code, report = _json(tmp_path, ".", "--include-rule", "KEY-002")
    assert _findings(report) == {("KEY-002", "main.tf", 2, "aws_kms_key.phi")}
    again = run_cli("init", cwd=tmp_path)
    assert again.returncode == 2
    assert "already exists: not overwriting it" in again.stderr
    assert (tmp_path / ".ephi-lint.yaml").read_text() == text


@pytest.mark.parametrize(("path", "pattern", "matches"), [
    ("vendor/x/main.tf", "vendor/**", True),
    ("vendor/main.tf", "vendor/", True),
    ("a/vendor/main.tf", "vendor/", True),
    ("a/vendor/main.tf", "/vendor/**", False),
    ("modules/legacy/s3.tf", "*.tf", True),
    ("modules/legacy/s3.tf", "modules/*.tf", False),
    ("modules/legacy/s3.tf", "**/legacy/*.tf", True),
])
def test_path_globs(path: str, pattern: str, matches: bool) -> None:
    assert path_matches(path, pattern) is matches


def test_relative_paths_are_seen_from_the_config_folder(tmp_path: Path) -> None:
    config = Config(path=tmp_path / "infra" / ".ephi-lint.yaml")
    assert config.relative("infra/prod/main.tf", tmp_path) == "prod/main.tf"


def test_ci_settings_are_read_and_the_starter_names_them(tmp_path: Path) -> None:
    config = tmp_path / ".ephi-lint.yaml"
    config.write_text("soft_fail: true\nsarif_omit_suppressed: true\n")
    loaded = load_config(config)
    assert (loaded.soft_fail, loaded.sarif_omit_suppressed) == (True, True)
    config.write_text(STARTER_CONFIG)
    starter = load_config(config)
    assert (starter.soft_fail, starter.sarif_omit_suppressed) == (False, False)
    assert "\nsoft_fail: false\n" in STARTER_CONFIG
    assert "\nsarif_omit_suppressed: false\n" in STARTER_CONFIG
