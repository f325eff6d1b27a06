"""The parse cache stores data, not code, and an entry it cannot vouch for is a miss.

An entry decides what a file is judged to contain, so whoever can write one could hide
a finding (or, with the pickles of old, run a command). These tests plant entries the
ways issue 14 lists: committed in the scanned checkout, behind a symlink, swapped from
another file, truncated or emptied, naming a class outside the parse model. Each time
the scan gives exactly the findings of a scan without a cache.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from linter import cache, parse_codec
from linter.discover import FileProblem, discover, read_text
from linter.engine import catalogue_directory, load_rules
from linter.parsers.yaml_source import MarkedList
from linter.parsing import parse_cache_key, parse_text, parser_fingerprint
from linter.pipeline import ScanRequest, scan
from linter.values import ConfigNode
from tests.conftest import REPOSITORY

RULES = load_rules([catalogue_directory("rules")])
EXAMPLES = REPOSITORY / "examples" / "dermatology-practice"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(directory))
    # These tests are about parse results: a stored scan result would skip parsing.
    monkeypatch.setenv("EPHI_LINT_RESULT_CACHE", "off")
    yield directory
    cache.refuse_inside([])  # a refusal must not outlive its test in this process


def _findings(paths: list[Path], root: Path, workers: int = 1) -> list[tuple[str, ...]]:
    result = scan(ScanRequest(paths=paths, root=root, rules=RULES, workers=workers))
    return sorted((outcome.rule.id, outcome.status.value, outcome.location.path,
                   str(outcome.location.start_line), outcome.resource.address)
                  for outcome in result.outcomes)


def _uncached(paths: list[Path], root: Path, monkeypatch: pytest.MonkeyPatch
              ) -> list[tuple[str, ...]]:
    with monkeypatch.context() as scoped:
        scoped.setenv("EPHI_LINT_CACHE_DIR", "off")
        return _findings(paths, root)


def _entry(cache_dir: Path, path: Path, display_path: str, kind: str = "terraform") -> Path:
    key = parse_cache_key(parser_fingerprint(), display_path, kind, read_text(path))
    return cache_dir / "parsed" / key[:2] / key


def _project(tmp_path: Path, rule: str = "ENC-001") -> Path:
    project = tmp_path / "project"
    shutil.copytree(REPOSITORY / "fixtures" / rule, project)
    return project


# -- the codec ----------------------------------------------------------------------------


def _same(first: Any, second: Any, where: str = "$") -> str | None:
    """Where two parse outcomes differ (type, line marks, fields, values), or None."""
    if type(first) is not type(second):
        return f"{where}: {type(first).__name__} != {type(second).__name__}"
    if isinstance(first, ConfigNode):
        if (first.line, first.end_line, first.lines) != (second.line, second.end_line,
                                                         second.lines):
            return f"{where}: line marks"
        return _same(first.values, second.values, f"{where}.values")
    if isinstance(first, MarkedList) and (first.line, first.lines) != (second.line,
                                                                       second.lines):
        return f"{where}: line marks"
    if isinstance(first, (list, tuple)):
        if len(first) != len(second):
            return f"{where}: length"
        return next((found for index, (one, other) in enumerate(zip(first, second))
                     if (found := _same(one, other, f"{where}[{index}]"))), None)
    if isinstance(first, dict):
        if list(first) != list(second):
            return f"{where}: keys"
        return next((found for key in first
                     if (found := _same(first[key], second[key], f"{where}[{key!r}]"))), None)
    if dataclasses.is_dataclass(first):
        return next((found for item in dataclasses.fields(first)
                     if (found := _same(getattr(first, item.name), getattr(second, item.name),
                                        f"{where}.{item.name}"))), None)
    if isinstance(first, float) and first != first:
        return None if second != second else f"{where}: nan"
    return None if first == second else f"{where}: {first!r} != {second!r}"


def test_every_fixture_and_example_round_trips_through_the_codec() -> None:
    found = discover([REPOSITORY / "fixtures", REPOSITORY / "examples",
                      REPOSITORY / "tests" / "hostile", REPOSITORY / "tests" / "plans"],
                     REPOSITORY)
    texts = [(source.display_path, source.kind, source.path) for source in found.files]
    # No fixture is an auto-loaded variables file: one written here.
    texts.append(("terraform.tfvars", "tfvars",
                  'region = "eu-west-1"\nkeys = { audit = ["a", 2, true] }\n'))
    differences = []
    kinds = set()
    for display_path, kind, source in texts:
        try:
            text = source if isinstance(source, str) else read_text(source)
        except ValueError:
            continue
        outcome = parse_text(text, display_path, kind, None)
        kinds.add(type(outcome[2]).__name__)
        back = parse_codec.decode(parse_codec.encode(outcome))
        if (difference := _same(outcome, back)) is not None:
            differences.append((display_path, difference))
    assert differences == []
    # Every kind of payload was exercised, problems included.
    assert {"TerraformFile", "ParsedDocuments", "TerraformPlan", "FileProblem", "dict",
            "list", "NoneType"} <= kinds


def test_values_json_cannot_spell_round_trip() -> None:
    node = ConfigNode(3, 9)
    node.set("huge", 7 ** 5000, 4)
    node.set("ratio", float("inf"), 5)
    marked = MarkedList(6)
    marked.add(float("-inf"), 7)
    marked.add(b"\x00\xff", 8)
    node.set("items", marked, 6)
    value = ("a.yaml", "document", [node, (1, 2.0, "3"), {1: None, "x": frozenset({1})},
                                    {True}, -(2 ** 80)])
    assert _same(value, parse_codec.decode(parse_codec.encode(value))) is None
    assert parse_codec.decode(parse_codec.encode(float("nan"))) != 0  # nan, not an error


class _NotParsed:
    pass


@dataclasses.dataclass
class _TestDataclass:
    command: str


@pytest.mark.parametrize("value", [_NotParsed(), _TestDataclass("id"), Path("/"), 1j])
def test_a_value_outside_the_parse_model_is_not_stored(value: Any, cache_dir: Path) -> None:
    with pytest.raises(parse_codec.CodecError):
        parse_codec.encode(("a.tf", "terraform", value))
    assert not cache.store_object("parsed", "ab" + "0" * 62, ("a.tf", "terraform", value))


@pytest.mark.parametrize("stored", [
    b'["D","subprocess.Popen",["l","touch","/tmp/x"]]',  # a class outside the model
    b'["D","os.system","id"]',
    b'["D","linter.parsers.terraform.TerraformFile","a.tf"]',  # too few fields
    b'["D","linter.parsers.terraform.TerraformFile","a.tf",["l"],"extra"]',
    b'["D","linter.parsers.terraform.selected_parser"]',  # a function, not a dataclass
    b'["C",1,2,["d","a"],["d"]]',  # an odd mapping
    b'["C","1",2,["d"],["d"]]',  # a line that is not a number
    b'["M",1,"not lines"]',
    b'["Z",1]', b'[]', b'[1,2]', b'{"a":1}', b'["I","xyz"]', b'["F","1e999"]',
    b'["b","not base64!"]', b"\xff\xfe", b"", b"[" * 100_000,
])
def test_malformed_or_foreign_data_is_a_codec_error(stored: bytes) -> None:
    with pytest.raises(parse_codec.CodecError):
        parse_codec.decode(stored)


def test_a_decoded_dataclass_runs_none_of_its_own_code(tmp_path: Path) -> None:
    # FileProblem redacts in __post_init__; a stored one is rebuilt field by field (its
    # reason was redacted when it was made), so no method of the class runs at all.
    problem = FileProblem("a.tf", "line 2: unexpected token", "error", 2)
    assert parse_codec.decode(parse_codec.encode(problem)) == problem


# -- where entries may come from ----------------------------------------------------------


def test_a_committed_entry_in_the_scanned_checkout_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The attack of issue 14: a CI cache folder inside the checkout, holding an entry
    # (committed, or restored from a poisoned CI cache) that says the failing file holds
    # nothing: loaded, it would hide the finding.
    project = _project(tmp_path)
    (project / ".git").mkdir()
    infra = project / "infra"
    infra.mkdir()
    for path in list(project.glob("*.tf")):
        path.rename(infra / path.name)
    expected = _uncached([infra], infra, monkeypatch)
    assert ("ENC-001", "fail") in {finding[:2] for finding in expected}
    planted = project / ".ci-cache"
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(planted))
    try:
        for failing in infra.glob("fail*.tf"):
            key = parse_cache_key(parser_fingerprint(), failing.name, "terraform",
                                  read_text(failing))
            entry = planted / "parsed" / key[:2] / key
            entry.parent.mkdir(parents=True, exist_ok=True)
            entry.write_bytes(cache._sealed(key, parse_codec.encode(
                (failing.name, "terraform", None))))
        planted_files = sorted(planted.rglob("*"))
        # Scanning the subfolder: the cache is outside it, but inside its git work tree.
        result = scan(ScanRequest(paths=[infra], root=infra, rules=RULES, workers=1))
        assert [(problem.path, problem.level) for problem in result.problems] == [
            ("parse cache", "warning")]
        assert "inside the git work tree of the scanned path" in result.problems[0].reason
        assert _findings([infra], infra) == expected
        assert sorted(planted.rglob("*")) == planted_files  # nothing stored there either
    finally:
        cache.refuse_inside([])


def test_a_pickle_in_a_trusted_cache_is_never_loaded(cache_dir: Path, tmp_path: Path) -> None:
    # Even in the user's own private folder, correctly sealed, a pickle is not data: it is
    # a miss, and the command it names never runs.
    marker = tmp_path / "ran"

    class _Runs:
        def __reduce__(self) -> tuple[Any, ...]:
            return (os.system, (f"touch {marker}",))

    key = "ab" + "1" * 62
    assert cache.store_object("parsed", key, ("a.tf", "terraform", None))
    entry = cache_dir / "parsed" / key[:2] / key
    entry.write_bytes(cache._sealed(key, pickle.dumps(_Runs())))
    assert cache.load_object("parsed", key) is None
    assert not marker.exists()


def test_an_entry_of_the_old_pickle_format_is_a_miss(cache_dir: Path) -> None:
    key = "ab" + "2" * 62
    assert cache.store_object("parsed", key, ("a.tf", "terraform", None))
    entry = cache_dir / "parsed" / key[:2] / key
    payload = pickle.dumps(("a.tf", "terraform", None))
    import hashlib

    entry.write_bytes(b"ephi-lint-cache-1\n" + key.encode() + hashlib.sha256(payload).digest()
                      + payload)
    assert cache.load_object("parsed", key) is None


# -- entries that are not what they claim ---------------------------------------------------


def _warm(project: Path) -> list[tuple[str, ...]]:
    return _findings([project], project)


def test_a_swapped_entry_is_a_miss_and_findings_are_unchanged(
        cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path)
    expected = _uncached([project], project, monkeypatch)
    assert _warm(project) == expected
    failing = next(project.glob("fail*.tf"))
    passing = next(project.glob("pass*.tf"))
    failing_entry = _entry(cache_dir, failing, failing.name)
    passing_entry = _entry(cache_dir, passing, passing.name)
    # 1. the other file's entry copied over this one: its seal names the other key.
    shutil.copyfile(passing_entry, failing_entry)
    assert _warm(project) == expected
    # 2. re-sealed under this key (someone who can write the cache): the outcome names
    #    the other file, so it is still a miss.
    key = failing_entry.name
    payload = cache._unsealed(passing_entry.name, passing_entry.read_bytes())
    assert payload is not None
    failing_entry.write_bytes(cache._sealed(key, payload))
    assert cache.load_object("parsed", key) is not None  # the entry itself decodes
    assert _warm(project) == expected
    # and the miss was parsed again and stored over the foreign entry
    assert cache.load_object("parsed", key)[0] == failing.name


@pytest.mark.parametrize("damage", ["empty", "truncated", "flipped", "header only"])
def test_a_damaged_entry_is_a_miss_and_findings_are_unchanged(
        damage: str, cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path)
    expected = _uncached([project], project, monkeypatch)
    assert _warm(project) == expected
    failing = next(project.glob("fail*.tf"))
    entry = _entry(cache_dir, failing, failing.name)
    data = entry.read_bytes()
    header = len(cache._MAGIC) + len(entry.name) + 32
    damaged = {"empty": b"", "truncated": data[:len(data) // 2],
               "flipped": data[:-2] + bytes([data[-2] ^ 1]) + data[-1:],
               "header only": data[:header]}[damage]
    entry.write_bytes(damaged)
    assert cache.load_object("parsed", entry.name) is None
    assert _warm(project) == expected
    assert entry.read_bytes() == data  # parsed again and stored again


def test_a_symlinked_entry_or_shard_folder_is_refused(
        cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path)
    expected = _uncached([project], project, monkeypatch)
    assert _warm(project) == expected
    failing = next(project.glob("fail*.tf"))
    entry = _entry(cache_dir, failing, failing.name)
    key = entry.name
    # An entry of this very key that says the file holds nothing, placed elsewhere.
    planted = tmp_path / "planted"
    planted.mkdir(mode=0o700)
    (planted / key).write_bytes(cache._sealed(key, parse_codec.encode(
        (failing.name, "terraform", None))))
    entry.unlink()
    entry.symlink_to(planted / key)
    assert cache.load_object("parsed", key) is None
    assert _warm(project) == expected
    # The shard folder swapped for a link to the planted folder.
    shard = entry.parent
    shutil.rmtree(shard)
    shard.symlink_to(planted, target_is_directory=True)
    assert cache.load_object("parsed", key) is None
    assert _warm(project) == expected
    assert (planted / key).read_bytes().count(b"null") == 1  # never written through


def test_a_folder_others_can_write_to_is_refused(cache_dir: Path) -> None:
    key = "ab" + "3" * 62
    assert cache.store_object("parsed", key, ("a.tf", "terraform", None))
    shard = cache_dir / "parsed" / key[:2]
    os.chmod(shard, 0o777)
    try:
        assert cache.load_object("parsed", key) is None
        assert not cache.store_object("parsed", "ab" + "4" * 62, ("b.tf", "terraform", None))
        assert cache.prune("parsed", 0) == 0  # nothing deleted through it either
    finally:
        os.chmod(shard, 0o700)
    entry = shard / key
    os.chmod(entry, stat.S_IMODE(entry.stat().st_mode) | stat.S_IWGRP)
    assert cache.load_object("parsed", key) is None


def test_a_key_is_never_a_path(cache_dir: Path) -> None:
    for key in ("../../evil", "ab/../../x", ".hidden", "AB" + "0" * 62, ""):
        assert not cache.store_object("parsed", key, None)
        assert cache.load_object("parsed", key) is None
    assert not (cache_dir / "parsed").exists() or not any(
        path.is_file() for path in cache_dir.rglob("*"))


def test_the_fingerprint_names_the_hcl_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPHI_LINT_HCL_PARSER", "python-hcl2")
    reference = parser_fingerprint()
    monkeypatch.setenv("EPHI_LINT_HCL_PARSER", "tree-sitter")
    assert parser_fingerprint() != reference


# -- warm equals cold -------------------------------------------------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_warm_and_cold_scans_of_the_examples_give_identical_findings(
        workers: int, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [EXAMPLES, REPOSITORY / "fixtures"]
    uncached = _uncached(paths, REPOSITORY, monkeypatch)
    cold = _findings(paths, REPOSITORY, workers)
    stored = {path.name for path in (cache_dir / "parsed").rglob("*") if path.is_file()}
    warm = _findings(paths, REPOSITORY, workers)
    assert cold == uncached
    assert warm == uncached
    assert {path.name for path in (cache_dir / "parsed").rglob("*") if path.is_file()} \
        == stored  # nothing parsed again


def test_a_cache_in_the_checkout_of_a_scanned_file_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pre-commit passes files, not folders: the checkout around them still counts.
    project = _project(tmp_path)
    (project / ".git").mkdir()
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(project / ".cache" / "ephi-lint"))
    try:
        failing = next(project.glob("fail*.tf"))
        assert "git work tree" in (cache.refuse_inside([failing]) or "")
        assert not cache.store_object("parsed", "ab" + "5" * 62, None)
    finally:
        cache.refuse_inside([])
    # A file outside any checkout does not make its own folder a scanned root.
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "main.tf").write_text("")
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(loose / ".cache"))
    assert cache.refuse_inside([loose / "main.tf"]) is None
