"""Discovery and the inputs' reading in a process forked as the scan command starts
(linter.scan_ahead): the same discovery, digests and facts as the parent's own, used only
for the paths it was made for, and a process that dies costs nothing but its time."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from linter import scan_ahead
from linter.discover import PathFilter, discover
from linter.input_facts import InputFacts, facts_of
from linter.scan_ahead import DiscoveryArguments, ScanAhead
from tests.conftest import REPOSITORY

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the process is forked")

CALLER = 'module "keys" {\n  source = "../modules/keys"\n}\n'
MARKED = ('resource "aws_kms_key" "k" {\n  # ephi-lint:ignore KEY-002 reason="rotated by hand"\n'
          '  enable_key_rotation = false\n}\n')
PLAN = '{"format_version": "1.2", "planned_values": {}, "configuration": {}}\n'


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    for name, text in {"stack/main.tf": CALLER, "modules/keys/main.tf": MARKED,
                       "plan.json": PLAN, "ignored/x.tf": MARKED, ".gitignore": "ignored/\n",
                       "k8s/secret.yaml": "apiVersion: v1\nkind: Secret\n"}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def _arguments(tree: Path) -> DiscoveryArguments:
    return DiscoveryArguments((tree,), tree, ("k8s/",), True)


def test_the_answer_is_what_the_parent_would_find_and_read(
        tree: Path, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from linter import result_cache

    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("EPHI_LINT_RESULT_CACHE", "on")

    ahead = ScanAhead.start(_arguments(tree))
    assert ahead is not None
    answer = ahead.result()
    assert answer is not None
    found = discover([tree], tree, PathFilter(tree, ("k8s/",), True))
    assert answer.discovery == found
    assert [source.display_path for source in found.files] == [
        "modules/keys/main.tf", "plan.json", "stack/main.tf"]
    assert answer.code_fingerprint == result_cache.code_fingerprint()
    facts, read_there = InputFacts(), InputFacts()
    for source in found.files:
        data = source.path.read_bytes()
        facts.add(source.display_path, *facts_of(source.display_path, data))
        read = answer.reads[source.display_path]
        assert (read.size, read.stat) == (len(data), (os.stat(source.path).st_size,
                                                      os.stat(source.path).st_mtime_ns))
        assert read.digest == hashlib.sha256(data).digest()
        read_there.add(source.display_path, read.marked, read.plan, read.calls_listed,
                       read.calls)
    assert (read_there.marked, read_there.plans, read_there.calls) == \
        (facts.marked, facts.plans, facts.calls) == \
        ({"modules/keys/main.tf"}, {"plan.json"}, {"stack/main.tf": frozenset({"modules/keys"})})


def test_it_serves_only_the_paths_and_filter_it_was_made_for(tree: Path) -> None:
    arguments = _arguments(tree)
    assert arguments.matches([tree], tree, PathFilter(tree, ("k8s/",), True))
    assert not arguments.matches([tree], tree, PathFilter(tree, (), True))
    assert not arguments.matches([tree], tree, PathFilter(tree, ("k8s/",), False))
    assert not arguments.matches([tree / "stack"], tree, PathFilter(tree, ("k8s/",), True))
    assert not arguments.matches([tree], tree, None)


def test_without_a_result_cache_only_discovery_is_done(
        tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    ahead = ScanAhead.start(_arguments(tree))
    assert ahead is not None
    answer = ahead.result()
    assert answer is not None and answer.reads == {} and answer.code_fingerprint is None
    assert len(answer.discovery.files) == 3


def test_a_process_that_dies_is_no_answer(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def dies(*_: Any) -> None:
        os._exit(9)

    monkeypatch.setattr(scan_ahead, "_answer", dies)
    ahead = ScanAhead.start(_arguments(tree))
    assert ahead is not None and ahead.result() is None


def test_an_answer_never_asked_for_ends_its_process(tree: Path) -> None:
    ahead = ScanAhead.start(_arguments(tree))
    assert ahead is not None
    ahead.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(ahead._pid, os.WNOHANG)


def _scan_json(tree: Path, monkeypatch: pytest.MonkeyPatch, cache: Path) -> dict[str, Any]:
    from linter.cli import app

    monkeypatch.chdir(tree)
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(cache))
    monkeypatch.setenv("EPHI_LINT_RESULT_CACHE", "on")  # the inputs are read ahead too
    output = tree.parent / f"{tree.name}-{cache.name}.json"
    try:
        app(["scan", ".", "-f", "json", "-o", str(output), "--no-config"])
    except SystemExit:
        pass
    document = json.loads(output.read_text())
    for volatile in ("provenance", "seconds"):
        document.pop(volatile, None)
    document["summary"].pop("seconds", None)
    return document


@pytest.mark.parametrize("reason", ["no fork", "dies"])
def test_a_scan_gives_the_same_report_with_and_without_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reason: str) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(REPOSITORY / "examples", tree)
    with_it = _scan_json(tree, monkeypatch, tmp_path / "cache-a")
    if reason == "no fork":
        monkeypatch.setattr(ScanAhead, "start", classmethod(lambda cls, *_: None))
    else:
        monkeypatch.setattr(scan_ahead, "_answer", lambda *_: os._exit(9))
    without = _scan_json(tree, monkeypatch, tmp_path / "cache-b")
    assert with_it == without
    assert with_it["findings"]


# --- the git states of the roots, the second answer -----------------------------------


def _git_tree(tmp_path: Path) -> Path:
    import subprocess

    repository = tmp_path / "repository"
    repository.mkdir()
    (repository / "main.tf").write_text(MARKED)
    for command in (["init", "-q"], ["add", "main.tf"],
                    ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "one"]):
        subprocess.run(["git", *command], cwd=repository, check=True, capture_output=True)
    (repository / "main.tf").write_text(MARKED + "\n")  # dirty
    return repository


def test_the_git_states_are_the_parents_own(tmp_path: Path) -> None:
    from linter.git_state import GitStates

    repository = _git_tree(tmp_path)
    outside = tmp_path / "plain"
    outside.mkdir()
    roots = (repository, outside)
    ahead = ScanAhead.start(DiscoveryArguments(roots, tmp_path, (), True), roots)
    assert ahead is not None and ahead.git is not None
    assert ahead.result() is not None
    states = ahead.git.result()
    assert states == GitStates(list(roots)).result()
    assert states[0]["dirty"] is True and states[0]["changed_files"] == 1
    assert states[1] == {"commit": None, "reason": "not in a git repository"}
    ahead.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(ahead._pid, os.WNOHANG)


def test_git_states_asked_for_alone_still_come(tmp_path: Path) -> None:
    """A scan that did not use the first answer (its paths differed) still gets them."""
    repository = _git_tree(tmp_path)
    ahead = ScanAhead.start(DiscoveryArguments((repository,), repository, (), True),
                            (repository,))
    assert ahead is not None and ahead.git is not None
    assert ahead.git.result()[0]["dirty"] is True


def test_a_process_that_dies_before_the_git_states_leaves_them_to_the_parent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repository = _git_tree(tmp_path)
    real_send = scan_ahead._send

    def first_answer_only(write_end: int, value: Any) -> None:
        if isinstance(value, list):  # the git states
            os._exit(9)
        real_send(write_end, value)

    monkeypatch.setattr(scan_ahead, "_send", first_answer_only)
    ahead = ScanAhead.start(DiscoveryArguments((repository,), repository, (), True),
                            (repository,))
    assert ahead is not None and ahead.git is not None
    assert ahead.result() is not None
    assert ahead.git_answer() is None
    assert ahead.git.result()[0]["dirty"] is True  # asked of git by the parent itself


def test_provenance_is_the_same_with_and_without_the_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.cli import app

    repository = _git_tree(tmp_path)
    monkeypatch.chdir(repository)
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(tmp_path / "cache"))
    documents = []
    for start in (ScanAhead.start, classmethod(lambda cls, *_: None)):
        monkeypatch.setattr(ScanAhead, "start", start)
        output = tmp_path / f"report-{len(documents)}.json"
        with pytest.raises(SystemExit):
            app(["scan", ".", "-f", "json", "-o", str(output), "--no-config"])
        documents.append(json.loads(output.read_text())["provenance"]["roots"])
    assert documents[0] == documents[1]
    assert documents[0][0]["git"]["dirty"] is True
