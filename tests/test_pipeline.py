"""The scan pipeline as a whole: parallel parsing and the parse cache change nothing but
the wall time."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan
from tests.conftest import REPOSITORY

RULES = load_rules([catalogue_directory("rules")])


def _signature(workers: int, paths: list[Path] | None = None,
               root: Path = REPOSITORY) -> tuple[list[tuple[str, ...]], list[tuple[str, str]], int]:
    paths = paths or [REPOSITORY / "fixtures", REPOSITORY / "tests" / "hostile"]
    result = scan(ScanRequest(paths=paths, root=root, rules=RULES, workers=workers))
    outcomes = sorted((o.rule.id, o.status.value, o.location.path, str(o.location.start_line),
                       o.resource.address, o.fingerprint) for o in result.outcomes)
    problems = sorted((problem.path, problem.reason) for problem in result.problems)
    return outcomes, problems, result.files_scanned


def test_parallel_parsing_gives_the_same_result_as_sequential(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")  # both runs must really parse
    sequential = _signature(workers=1)
    parallel = _signature(workers=2)
    assert sequential[2] > 24  # enough files for the process pool to be used
    assert parallel == sequential


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(directory))
    return directory


def _entries(directory: Path) -> set[str]:
    return {path.name for path in (directory / "parsed").rglob("*") if path.is_file()}


def test_a_warm_run_reads_the_parse_cache_and_gives_the_same_result(cache_dir: Path) -> None:
    cold = _signature(workers=1)
    stored = _entries(cache_dir)
    assert len(stored) >= cold[2]  # every scanned file, and the unreadable ones' problems
    warm = _signature(workers=1)
    assert warm == cold
    assert _entries(cache_dir) == stored  # nothing new was parsed
    # Workers parse the files they judge on their own without the parse cache (the
    # result cache serves a repeated scan); the parent's files come from it.
    assert _signature(workers=2) == cold
    assert _entries(cache_dir) == stored


def test_an_edited_file_is_parsed_again(cache_dir: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPOSITORY / "fixtures" / "ENC-001", project)
    before = _signature(workers=1, paths=[project], root=project)
    stored = _entries(cache_dir)
    failing = next(project.glob("fail*.tf"))
    failing.write_text(failing.read_text() + "\n# edited\n")
    after = _signature(workers=1, paths=[project], root=project)
    assert len(_entries(cache_dir) - stored) == 1  # only the edited file
    assert after == before


def test_a_cache_others_may_write_to_is_never_loaded(cache_dir: Path) -> None:
    # Loading a parse result runs pickle: a folder another user can write to could hold
    # a crafted entry, so it is not read at all.
    from linter import cache

    assert cache.store_object("parsed", "ab" + "0" * 62, ("path", "kind", None))
    assert cache.load_object("parsed", "ab" + "0" * 62) == ("path", "kind", None)
    mode = stat.S_IMODE(os.stat(cache_dir / "parsed").st_mode)
    os.chmod(cache_dir / "parsed", mode | stat.S_IWOTH)
    assert cache.load_object("parsed", "ab" + "0" * 62) is None


def test_the_cache_can_be_switched_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    _signature(workers=1, paths=[REPOSITORY / "fixtures" / "ENC-001"],
               root=REPOSITORY / "fixtures" / "ENC-001")
    assert list(tmp_path.iterdir()) == []


def test_pruning_keeps_the_newest_entries(cache_dir: Path) -> None:
    from linter import cache

    keys = [f"{index:02x}" + "0" * 62 for index in range(5)]
    for age, key in enumerate(keys):
        cache.store_object("parsed", key, age)
        entry = cache_dir / "parsed" / key[:2] / key
        os.utime(entry, (1_000_000 + age, 1_000_000 + age))
    assert cache.prune("parsed", 3) == 2
    assert _entries(cache_dir) == set(keys[2:])


def test_a_missing_path_is_an_error_naming_it(tmp_path: Path) -> None:
    from linter.discover import FileProblem

    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "k" {}\n')
    result = scan(ScanRequest(paths=[tmp_path / "main.tf", tmp_path / "infra"], root=tmp_path,
                              rules=RULES, workers=1))
    assert result.problems == [FileProblem("infra", "does not exist")]
    assert [outcome.resource.address for outcome in result.outcomes][:1] == ["aws_kms_key.k"]


def test_unscanned_lists_path_line_and_reason_errors_first(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'module "registry" {\n  source = "terraform-aws-modules/kms/aws"\n}\n\n'
        'module "itself" {\n  source = "./"\n}\n')
    (tmp_path / "broken.tf").write_text("resource {\n")
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, rules=RULES, workers=1))
    assert [(problem.where, problem.level, problem.reason[:40])
            for problem in result.unscanned] == [
        ("broken.tf", "error", "invalid HCL at line 2, column 1: unexpec"),
        ("main.tf:5", "error", 'module "itself" (source "./") calls ., w'),
        ("main.tf", "warning", 'line 1: module "registry" (source "terra')]


KEY = "cd" + "0" * 62


def test_a_cache_inside_a_scanned_path_is_never_used(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # A checkout could carry (or a CI cache restore could put) entries in a cache folder
    # inside it; loading one would run whatever its pickle names.
    from linter import cache

    project = tmp_path / "project"
    shutil.copytree(REPOSITORY / "fixtures" / "ENC-001", project)
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(project / ".ephi-cache"))
    try:
        result = scan(ScanRequest(paths=[project], root=project, rules=RULES, workers=1))
        assert [(problem.path, problem.level) for problem in result.problems] == [
            ("parse cache", "warning")]
        assert "is inside the scanned path" in result.problems[0].reason
        assert not (project / ".ephi-cache" / "parsed").exists()  # nothing stored either
        assert cache.load_object("parsed", KEY) is None
    finally:
        cache.refuse_inside([])  # the process's next scans may use their own cache


def test_a_swapped_or_emptied_entry_is_a_miss(cache_dir: Path) -> None:
    from linter import cache

    other = "ce" + "0" * 62
    assert cache.store_object("parsed", KEY, ("a.tf", "terraform", "first"))
    assert cache.store_object("parsed", other, ("b.tf", "terraform", "second"))
    entry = cache_dir / "parsed" / KEY[:2] / KEY
    shutil.copyfile(cache_dir / "parsed" / other[:2] / other, entry)  # swapped
    assert cache.load_object("parsed", KEY) is None
    entry.write_bytes(b"")  # emptied
    assert cache.load_object("parsed", KEY) is None
    assert cache.load_object("parsed", other) == ("b.tf", "terraform", "second")


def test_an_entry_behind_a_symlink_is_never_followed(cache_dir: Path, tmp_path: Path) -> None:
    from linter import cache

    assert cache.store_object("parsed", KEY, ("a.tf", "terraform", "first"))
    entry = cache_dir / "parsed" / KEY[:2] / KEY
    planted = tmp_path / "planted"
    shutil.copyfile(entry, planted)
    entry.unlink()
    entry.symlink_to(planted)
    assert cache.load_object("parsed", KEY) is None
    # and a shard folder swapped for a link to a folder elsewhere
    shard = cache_dir / "parsed" / KEY[:2]
    elsewhere = tmp_path / "elsewhere"
    shutil.move(str(shard), elsewhere)
    (elsewhere / KEY).unlink()
    shutil.copyfile(planted, elsewhere / KEY)
    shard.symlink_to(elsewhere, target_is_directory=True)
    assert cache.load_object("parsed", KEY) is None


# -- streaming: a large scan is judged folder by folder, with the same result -------------

def _ordered(paths: list[Path], root: Path, workers: int = 1,
             **request: object) -> tuple[object, ...]:
    result = scan(ScanRequest(paths=paths, root=root, rules=RULES, workers=workers,
                              **request))  # type: ignore[arg-type]
    return ([(o.rule.id, o.status.value, o.location.path, o.location.start_line,
              o.resource.address, o.fingerprint) for o in result.outcomes],
            [(p.path, p.line, p.level, p.reason) for p in result.problems],
            result.files_scanned, result.files_unrecognised, result.resources, result.skipped)


def _module_tree(target: Path) -> Path:
    """Folders that call each other (a shared module, a chain, a cycle), folders that
    call nothing, variables files, a broken file, and the repository's fixtures."""
    key = 'resource "aws_kms_key" "{name}" {{\n  enable_key_rotation = {rotation}\n}}\n'
    bucket = ('resource "aws_s3_bucket" "b" {{\n  bucket = var.name\n}}\n'
              'variable "name" {{\n  default = "{name}"\n}}\n')
    layout = {
        "modules/store/main.tf": bucket.format(name="store") + key.format(name="k",
                                                                         rotation="var.rotate"),
        "modules/store/variables.tf": 'variable "rotate" {\n  default = false\n}\n',
        "modules/chain/main.tf": 'module "store" {\n  source = "../store"\n  rotate = true\n}\n',
        "stacks/a/main.tf": 'module "store" {\n  source = "../../modules/store"\n}\n',
        "stacks/b/main.tf": 'module "chain" {\n  source = "../../modules/chain"\n}\n',
        "stacks/c/main.tf": key.format(name="c", rotation="var.rotate"),
        "stacks/c/variables.tf": 'variable "rotate" {}\n',
        "stacks/c/terraform.tfvars": "rotate = true\n",
        "stacks/d/broken.tf": "resource {\n",
        "stacks/d/main.tf": key.format(name="d", rotation="false"),
        "loop/x/main.tf": 'module "y" {\n  source = "../y"\n}\n' + key.format(
            name="x", rotation="false"),
        "loop/y/main.tf": 'module "x" {\n  source = "../x"\n}\n',
        "zeta/main.tf": key.format(name="z", rotation="true") + "# module is only a word\n",
    }
    for name, text in layout.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text(text)
    for name in ("fixtures", "examples"):
        shutil.copytree(REPOSITORY / name, target / name)
    shutil.copytree(REPOSITORY / "tests" / "hostile", target / "hostile")
    return target


@pytest.mark.parametrize("workers", [1, 2])
def test_a_streamed_scan_gives_the_whole_tree_result_in_the_same_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    from linter import pipeline, pipeline_stream

    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    tree = _module_tree(tmp_path / "tree")
    whole = _ordered([tree], tree)
    monkeypatch.setattr(pipeline, "STREAM_MIN_FILES", 0)
    monkeypatch.setattr(pipeline_stream, "BATCH_FILES", 3)  # many small batches
    streamed = _ordered([tree], tree, workers)
    assert streamed == whole
    paths = {outcome[2] for outcome in whole[0]}
    assert {"stacks/c/main.tf", "modules/store/main.tf", "loop/x/main.tf",
            "zeta/main.tf"} <= paths
    assert ("stacks/d/broken.tf", None, "error") in {problem[:3] for problem in whole[1]}


def test_a_streamed_scan_with_a_plan_keeps_the_plans_judgement(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A plan's findings replace its configuration's across folders: with one in the scan,
    # the Terraform is held and judged as a whole, as before.
    from linter import pipeline, pipeline_stream

    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    tree = tmp_path / "tree"
    shutil.copytree(REPOSITORY / "tests" / "plans", tree)
    whole = _ordered([tree], tree)
    monkeypatch.setattr(pipeline, "STREAM_MIN_FILES", 0)
    monkeypatch.setattr(pipeline_stream, "BATCH_FILES", 1)
    assert _ordered([tree], tree) == whole
    assert any(outcome[2].endswith(".tf") for outcome in whole[0])


def test_the_framework_filter_and_stdin_stream_alike(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linter import pipeline

    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    tree = _module_tree(tmp_path / "tree")
    stdin = (REPOSITORY / "examples" / "dermatology-practice" / "kubernetes" /
             "portal.yaml").read_text()
    options = {"frameworks": frozenset({"terraform", "kubernetes"}), "stdin_text": stdin,
               "stdin_format": "kubernetes"}
    whole = _ordered([tree], tree, **options)
    monkeypatch.setattr(pipeline, "STREAM_MIN_FILES", 0)
    assert _ordered([tree], tree, **options) == whole
    assert whole[5].get("--framework")


@pytest.mark.parametrize("stream_min_files", [0, 400])
def test_a_scan_of_only_broken_files_reports_them_and_not_nothing_judged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stream_min_files: int) -> None:
    from linter import pipeline
    from linter.discover import FileProblem

    monkeypatch.setattr(pipeline, "STREAM_MIN_FILES", stream_min_files)
    (tmp_path / "broken.tf").write_text("resource {\n")
    (tmp_path / "broken.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nx: [\n")
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, rules=RULES, workers=1))
    assert [(problem.path, problem.level) for problem in result.problems] == [
        ("broken.tf", "error"), ("broken.yaml", "error")]
    assert result.outcomes == []
    assert isinstance(result.problems[0], FileProblem)
