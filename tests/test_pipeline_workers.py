"""Parsing and judging in worker processes (linter.pipeline_workers): the same result as
one process, in the same order, and a worker that dies costs at most what killed it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from linter import parsing, pipeline_stream, pipeline_workers, suppress
from linter.config import Config
from linter.discover import FileProblem
from linter.engine import catalogue_directory, load_rules
from linter.input_facts import BYTE_MARKERS
from linter.pipeline import ScanRequest, ScanResult, scan
from linter.suppress import Policy
from tests.conftest import REPOSITORY

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked")

RULES = load_rules([catalogue_directory("rules")])
KEY = 'resource "aws_kms_key" "{name}" {{\n  enable_key_rotation = {rotation}\n}}\n'
CALL = 'module "shared" {{\n  source = "../../modules/shared"\n  rotate = {rotation}\n}}\n'
SHARED = ('variable "rotate" {}\n' + KEY.format(name="shared", rotation="var.rotate"))
SECRET = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s{index}\n"
          "type: Opaque\ndata:\n  a: Yg==\n")
INGRESS = ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web{index}\n"
           "spec:\n  rules:\n  - host: portal.example.com\n")


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _scan(root: Path, workers: int, **request: Any) -> ScanResult:
    return scan(ScanRequest(paths=[root], root=root, rules=RULES, workers=workers, **request))


def _ordered(result: ScanResult) -> tuple[object, ...]:
    return ([(o.rule.id, o.status.value, o.location.path, o.location.start_line,
              o.resource.address, o.message, o.fingerprint) for o in result.outcomes],
            [(p.path, p.line, p.level, p.reason) for p in result.problems],
            result.files_scanned, result.files_unrecognised, result.resources, result.skipped)


def _stacks(count: int) -> dict[str, str]:
    """Root folders calling one shared module (judged together, their roots spread over
    workers), folders standing alone (judged in units), documents and a broken file."""
    files = {"modules/shared/main.tf": SHARED}
    for index in range(count):
        files[f"stacks/s{index:03}/main.tf"] = CALL.format(
            rotation="true" if index % 3 else "false")
        files[f"alone/a{index:03}/main.tf"] = KEY.format(name=f"a{index}", rotation="false")
        files[f"alone/a{index:03}/variables.tf"] = 'variable "unused" {}\n'
        files[f"k8s/secret{index:03}.yaml"] = SECRET.format(index=index)
        files[f"k8s/ingress{index:03}.yaml"] = INGRESS.format(index=index)
    files["alone/broken/main.tf"] = "resource {\n"
    return files


def _kill_the_parse_of(monkeypatch: pytest.MonkeyPatch, victim: str,
                       once_marker: Path | None = None) -> None:
    """The process parsing `victim` dies, as the kernel's OOM killer or a crash in a C
    extension would end it: every time, or only the first (`once_marker` not there yet)."""
    real = parsing.parse_text

    def parse_text(text: str, display_path: str, *rest: Any) -> Any:
        if display_path == victim and (once_marker is None or not once_marker.exists()):
            if once_marker is not None:
                once_marker.touch()
            os._exit(9)
        return real(text, display_path, *rest)

    monkeypatch.setattr(parsing, "parse_text", parse_text)


def _components(count: int, stack: str) -> dict[str, str]:
    """`count` components: a stack calling a shared module in a folder of its own."""
    files = {}
    for index in range(count):
        files[f"c{index:03}/modules/shared/main.tf"] = SHARED
        files[f"c{index:03}/stacks/s/main.tf"] = stack
    return files


@pytest.mark.parametrize("stream_min_files", [0, 400])
def test_workers_give_one_process_result_in_the_same_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stream_min_files: int) -> None:
    from linter import pipeline

    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    monkeypatch.setattr(pipeline, "STREAM_MIN_FILES", stream_min_files)
    monkeypatch.setattr(pipeline_workers, "UNIT_FILES", 7)  # many units, folders unsplit
    root = _write(tmp_path / "tree", _stacks(40))
    for name in ("fixtures", "examples"):
        shutil.copytree(REPOSITORY / name, root / name)
    alone = _ordered(_scan(root, workers=1))
    assert _ordered(_scan(root, workers=2)) == alone
    judged = {(outcome[0], outcome[4]) for outcome in alone[0]}
    assert {("KEY-002", "module.shared.aws_kms_key.shared"), ("KEY-002", "aws_kms_key.a7")} \
        <= judged
    assert ("alone/broken/main.tf", None, "error") in {problem[:3] for problem in alone[1]}


def test_a_plan_among_many_documents_is_judged_as_in_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A plan is JSON recognised by content, so it is found in a worker; its judgement
    # still replaces its configuration's.
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    root = tmp_path / "tree"
    shutil.copytree(REPOSITORY / "tests" / "plans", root)
    _write(root, {f"k8s/secret{index:03}.yaml": SECRET.format(index=index)
                  for index in range(pipeline_workers.UNIT_MIN_FILES)})
    alone = _ordered(_scan(root, workers=1))
    assert _ordered(_scan(root, workers=2)) == alone
    assert any(outcome[2].endswith(".tf") for outcome in alone[0])


@pytest.mark.parametrize("dies_again", [True, False])
def test_a_killed_unit_worker_costs_at_most_the_file_that_killed_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dies_again: bool) -> None:
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    _kill_the_parse_of(monkeypatch, "ingress007.yaml", None if dies_again
                       else tmp_path.parent / f"{tmp_path.name}-killed-once")
    files = {f"ingress{index:03}.yaml": INGRESS.format(index=index)
             for index in range(pipeline_workers.UNIT_MIN_FILES + 6)}
    result = _scan(_write(tmp_path, files), workers=2)
    judged = {outcome.location.path for outcome in result.outcomes}
    if dies_again:
        assert judged == set(files) - {"ingress007.yaml"}
        assert result.problems == [FileProblem(
            "ingress007.yaml", "the worker process stopped while judging this file (killed, "
                              "or out of memory); not judged")]
    else:  # killed once, by something else: judged again, nothing lost
        assert judged == set(files)
        assert result.problems == []
    assert result.files_scanned == len(judged)


def test_a_killed_worker_costs_at_most_the_terraform_folder_that_killed_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    monkeypatch.setattr("linter.pipeline.STREAM_MIN_FILES", 0)
    _kill_the_parse_of(monkeypatch, "a007/variables.tf")
    files = {}
    for index in range(pipeline_workers.UNIT_MIN_FILES // 2 + 3):
        files[f"a{index:03}/main.tf"] = KEY.format(name=f"a{index}", rotation="false")
        files[f"a{index:03}/variables.tf"] = 'variable "unused" {}\n'
    result = _scan(_write(tmp_path, files), workers=2)
    judged = {outcome.location.path for outcome in result.outcomes}
    assert judged == {name for name in files if name.endswith("main.tf")} - {"a007/main.tf"}
    reason = ("the worker process stopped while judging this file's folder (killed, or out "
              "of memory); not judged")
    assert result.problems == [FileProblem("a007/main.tf", reason),
                               FileProblem("a007/variables.tf", reason)]


def test_a_killed_worker_costs_at_most_the_root_module_that_killed_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    real = pipeline_stream.root_models

    def root_models(module_dir: str, *rest: Any) -> Any:
        if module_dir == "stacks/s007":
            os._exit(9)
        return real(module_dir, *rest)

    monkeypatch.setattr(pipeline_stream, "root_models", root_models)
    files = {"modules/shared/main.tf": SHARED}
    for index in range(pipeline_workers.UNIT_MIN_FILES):
        files[f"stacks/s{index:03}/main.tf"] = CALL.format(rotation="false")
    result = _scan(_write(tmp_path, files), workers=2)
    judged = {outcome.resource.scope for outcome in result.outcomes}
    assert judged == {name.rsplit("/", 1)[0] for name in files
                      if name.startswith("stacks/")} - {"stacks/s007"}
    assert result.problems == [FileProblem(
        "stacks/s007", "the worker process stopped while judging this Terraform root module "
                       "(killed, or out of memory); not judged")]


def test_a_killed_worker_costs_at_most_the_component_that_killed_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A component (folders linked by module calls) is judged only whole: when it kills its
    # worker again on its own, its files are reported, and every other component judged.
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    _kill_the_parse_of(monkeypatch, "c007/modules/shared/main.tf")
    files = _components(pipeline_workers.UNIT_MIN_FILES // 2, CALL.format(rotation="false"))
    result = _scan(_write(tmp_path, files), workers=2)
    judged = {outcome.resource.scope for outcome in result.outcomes}
    assert judged == {f"c{index:03}/stacks/s" for index in range(len(files) // 2)} \
        - {"c007/stacks/s"}
    reason = ("the worker process stopped while judging this file's folder and the folders "
              "linked to it by module calls (killed, or out of memory); not judged")
    assert result.problems == [FileProblem("c007/modules/shared/main.tf", reason),
                               FileProblem("c007/stacks/s/main.tf", reason)]


def test_module_library_problems_keep_one_process_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Components judged in different workers meet the same module outside the scan, and
    # modules they cannot read: reported once each, in one process's order.
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    _write(tmp_path / "outside", {"main.tf": "resource {\n"})
    files = _components(pipeline_workers.UNIT_MIN_FILES // 2, (
        CALL.format(rotation="true")
        + 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'
        + 'module "o" {\n  source = "../../../../outside"\n}\n'))
    root = _write(tmp_path / "tree", files)
    alone = _ordered(_scan(root, workers=1))
    assert _ordered(_scan(root, workers=2)) == alone
    # Each stack's two calls not followed, and the folder outside the scan once.
    assert [problem[0] for problem in alone[1]].count("../outside/main.tf") == 1
    assert alone[1][1][0] == "../outside/main.tf"
    assert len(alone[1]) == len(files) + 1


@pytest.mark.parametrize("tree", ["stacks", "plans"])
def test_what_the_result_cache_key_read_stands_in_for_a_second_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tree: str) -> None:
    # With the result cache on, the parent reads each input once, for the key
    # (linter.input_facts): suppression markers, module calls and possible plans come
    # from that read. The result is the one of a scan that reads them again.
    root = tmp_path / "tree"
    if tree == "plans":
        shutil.copytree(REPOSITORY / "tests" / "plans", root)
        _write(root, {f"k8s/secret{index:03}.yaml": SECRET.format(index=index)
                      for index in range(pipeline_workers.UNIT_MIN_FILES)})
    else:
        files = _stacks(40)
        # A directive that suppresses a finding, one that matches none (a notice).
        files["alone/a001/main.tf"] = ("# ephi-lint: ignore[KEY-002] rotated by hand\n"
                                       + KEY.format(name="a1", rotation="false"))
        files["alone/a002/main.tf"] = ("# ephi-lint: ignore[ENC-001] nothing here\n"
                                       + KEY.format(name="a2", rotation="true"))
        _write(root, files)
        for name in ("fixtures", "examples"):
            shutil.copytree(REPOSITORY / name, root / name)

    def scan_with_policy(workers: int) -> tuple[object, ...]:
        policy = Policy(Config(), root, [rule.id for rule in RULES])
        result = scan(ScanRequest(paths=[root], root=root, rules=RULES, workers=workers),
                      policy)
        suppressed = [(outcome.rule.id, outcome.location.path, outcome.suppression.kind)
                      for outcome in result.outcomes if outcome.suppression is not None]
        return (*_ordered(result), suppressed,
                [(notice.kind, notice.path, notice.line) for notice in policy.notices])

    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    alone = scan_with_policy(workers=1)
    if tree == "stacks":
        assert alone[-2] and alone[-1]  # suppressed findings and unused-suppression notices
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EPHI_LINT_RESULT_CACHE", "on")
    real = suppress._text_with_markers
    read_again: list[Path] = []

    def text_with_markers(path: Path) -> str | None:
        read_again.append(path)
        return real(path)

    monkeypatch.setattr(suppress, "_text_with_markers", text_with_markers)
    assert scan_with_policy(workers=2) == alone
    # Only the files that hold a marker are read again, for their directives.
    assert all(any(marker in path.read_bytes() for marker in BYTE_MARKERS)
               for path in read_again)
    assert bool(read_again) is (tree == "stacks")
