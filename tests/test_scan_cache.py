"""A repeated scan reads its result back (linter.scan_cache, linter.result_cache): the same
result as a fresh scan, and a fresh scan whenever anything it depended on changed,
inside the inputs or outside them (a called module, a file read by file())."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from linter import cache, parsing
from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, ScanResult, scan

RULES = load_rules([catalogue_directory("rules")])
KEY = 'resource "aws_kms_key" "{name}" {{\n  enable_key_rotation = {rotation}\n}}\n'
SHARED = 'variable "rotate" {}\n' + KEY.format(name="shared", rotation="var.rotate")
CALL = 'module "shared" {{\n  source = "{source}"\n  rotate = {rotation}\n}}\n'
POLICY_KEY = ('resource "aws_kms_key" "policy" {\n  enable_key_rotation = true\n'
              '  policy = file("${path.module}/policy.json")\n}\n')


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(directory))
    monkeypatch.delenv("EPHI_LINT_RESULT_CACHE", raising=False)
    yield directory
    cache.refuse_inside([])


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _scan(paths: list[Path], root: Path, workers: int = 1, **request: Any) -> ScanResult:
    cache.refuse_inside(paths)  # as the command does before a scan
    return scan(ScanRequest(paths=paths, root=root, rules=RULES, workers=workers, **request))


def _ordered(result: ScanResult) -> tuple[object, ...]:
    return ([(o.rule.id, o.status.value, o.location.path, o.location.start_line,
              o.location.end_line, o.resource.address, o.resource.scope, o.message,
              o.attribute, o.element, o.facts, o.fingerprint) for o in result.outcomes],
            [(p.path, p.line, p.level, p.reason) for p in result.problems],
            result.files_scanned, result.files_unrecognised, result.resources, result.skipped)


def _verdicts(result: ScanResult) -> set[tuple[str, str, str]]:
    return {(o.rule.id, o.resource.address, o.status.value) for o in result.outcomes}


def _parsing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, a scan that parses anything fails the test: it must be a stored
    result."""
    def parse_text(*args: Any) -> Any:
        raise AssertionError(f"parsed {args[1]}: the stored result was not used")

    monkeypatch.setattr(parsing, "parse_text", parse_text)


def test_a_repeated_scan_gives_the_stored_result_without_parsing(
        cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _write(tmp_path / "project", {
        "main.tf": KEY.format(name="off", rotation="false") + KEY.format(name="on",
                                                                         rotation="true"),
        "broken.tf": "resource {\n",
        "k8s/web.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n"
                        "  name: web\nspec:\n  rules:\n  - host: portal.example.com\n"})
    first = _scan([root], root)
    assert ("KEY-002", "aws_kms_key.off", "fail") in _verdicts(first)
    assert [(p.path, p.level) for p in first.problems] == [("broken.tf", "error")]
    _parsing_fails(monkeypatch)
    assert _ordered(_scan([root], root)) == _ordered(first)


def test_an_edited_input_is_scanned_again(cache_dir: Path, tmp_path: Path) -> None:
    root = _write(tmp_path / "project", {"main.tf": KEY.format(name="k", rotation="false")})
    assert ("KEY-002", "aws_kms_key.k", "fail") in _verdicts(_scan([root], root))
    (root / "main.tf").write_text(KEY.format(name="k", rotation="true"))
    assert ("KEY-002", "aws_kms_key.k", "pass") in _verdicts(_scan([root], root))


def test_options_that_change_a_result_are_part_of_the_key(
        cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _write(tmp_path / "project", {
        "main.tf": 'variable "rotate" {}\n' + KEY.format(name="k", rotation="var.rotate")})
    monkeypatch.setenv("TF_VAR_rotate", "false")
    failing = _scan([root], root, environment=dict(os.environ))
    assert ("KEY-002", "aws_kms_key.k", "fail") in _verdicts(failing)
    monkeypatch.setenv("TF_VAR_rotate", "true")
    assert ("KEY-002", "aws_kms_key.k", "pass") in _verdicts(
        _scan([root], root, environment=dict(os.environ)))
    only_rule = [rule for rule in RULES if rule.id == "KEY-002"]
    narrowed = scan(ScanRequest(paths=[root], root=root, rules=only_rule,
                                environment=dict(os.environ)))
    assert {outcome.rule.id for outcome in narrowed.outcomes} == {"KEY-002"}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_called_module_outside_the_scan_that_changed_is_scanned_again(
        cache_dir: Path, tmp_path: Path, workers: int) -> None:
    # The stacks are scanned, the module they call is not: its files are dependencies,
    # recorded in the worker processes that read them too (128+ files: workers).
    files = {"modules/shared/main.tf": SHARED}
    for index in range(140 if workers > 1 else 2):
        files[f"stacks/s{index:03}/main.tf"] = CALL.format(
            source="../../modules/shared", rotation="false")
    root = _write(tmp_path / "project", files)
    stacks = root / "stacks"
    first = _scan([stacks], root, workers)
    address = "module.shared.aws_kms_key.shared"
    assert ("KEY-002", address, "fail") in _verdicts(first)
    assert _ordered(_scan([stacks], root, workers)) == _ordered(first)
    (root / "modules/shared/main.tf").write_text(
        'variable "rotate" {}\n' + KEY.format(name="shared", rotation="true"))
    assert ("KEY-002", address, "pass") in _verdicts(_scan([stacks], root, workers))
    # a file added to the module folder is read too
    (root / "modules/shared/extra.tf").write_text(KEY.format(name="extra", rotation="false"))
    assert ("KEY-002", "module.shared.aws_kms_key.extra", "fail") in _verdicts(
        _scan([stacks], root, workers))


def test_a_file_read_by_a_terraform_function_that_changed_is_scanned_again(
        cache_dir: Path, tmp_path: Path) -> None:
    root = _write(tmp_path / "project", {
        "main.tf": POLICY_KEY,
        "policy.json": '{"Statement": [{"Effect": "Allow", "Principal": "*", '
                       '"Action": "kms:*", "Resource": "*"}]}'})
    tf_only = frozenset({"terraform"})
    first = _scan([root / "main.tf"], root, frameworks=tf_only)
    (root / "policy.json").write_text(
        '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:'
        'root"}, "Action": "kms:*", "Resource": "*"}]}')
    second = _scan([root / "main.tf"], root, frameworks=tf_only)
    assert _ordered(second) != _ordered(first)
    assert second.outcomes and any("KEY-" in outcome.rule.id for outcome in second.outcomes)


def test_no_result_is_stored_for_standard_input_changed_files_or_when_switched_off(
        cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _write(tmp_path / "project", {"main.tf": KEY.format(name="k", rotation="false")})
    _scan([], root, stdin_text=KEY.format(name="k", rotation="false"),
          stdin_format="terraform")
    _scan([root / "main.tf"], root, changed_files=True)
    monkeypatch.setenv("EPHI_LINT_RESULT_CACHE", "off")
    _scan([root], root)
    assert not (cache_dir / "results").exists() or not any((cache_dir / "results").rglob("*"))


def test_a_cache_folder_inside_the_scanned_tree_is_not_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _write(tmp_path / "project", {"main.tf": KEY.format(name="k", rotation="false")})
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(root / ".cache"))
    monkeypatch.delenv("EPHI_LINT_RESULT_CACHE", raising=False)
    try:
        _scan([root], root)
        assert not (root / ".cache" / "results").exists()
    finally:
        cache.refuse_inside([])


def test_the_command_gives_the_same_report_from_a_stored_result(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    environment = {"EPHI_LINT_CACHE_DIR": str(tmp_path / "cache"), "EPHI_LINT_RESULT_CACHE": ""}
    reports = []
    for run in ("first", "second"):
        output = tmp_path / f"{run}.json"
        completed = run_cli("scan", "examples", "--no-config", "-q", "-f", "json", "-o",
                            str(output), env=environment)
        assert completed.returncode == 1, completed.stderr
        report = json.loads(output.read_text())
        report["summary"].pop("seconds")
        report.pop("provenance")  # times and the output path
        reports.append(report)
    assert (tmp_path / "cache" / "results").is_dir()
    assert reports[0] == reports[1]
    assert reports[0]["findings"]


def test_the_provenance_names_the_same_input_digests_with_the_cache_or_without(
        tmp_path: Path) -> None:
    # With the result cache, the key's reading of each input gives the provenance's
    # digests (the inputs are not read a third time); they are the same digests.
    from tests.conftest import run_cli

    records = []
    for switch in ("", "off"):
        output = tmp_path / f"report-{switch or 'on'}.json"
        completed = run_cli("scan", "examples", "--no-config", "-q", "-f", "json", "-o",
                            str(output), env={"EPHI_LINT_CACHE_DIR": str(tmp_path / "cache"),
                                              "EPHI_LINT_RESULT_CACHE": switch})
        assert completed.returncode == 1, completed.stderr
        records.append(json.loads(output.read_text())["provenance"]["inputs"])
    assert records[0] == records[1]
    assert all(record["sha256"] and record["bytes"] for record in records[0])
