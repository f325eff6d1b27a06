"""The scan-result cache gives back exactly what the scan found, or nothing.

A stored result stands in for a whole scan, so every way an entry could be stale or
planted must be a miss: a changed input or dependency, a vanished dependency, a
corrupted or truncated entry, another key's entry, a rule that no longer exists, a
symlinked entry, a cache folder inside the scanned checkout, a result that depends on the
clock. A hit must be the stored outcomes and problems field for field (facts keep their
exact types: True is not 1, a tuple is not a list).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from linter import cache, result_cache
from linter.conditions import Status
from linter.discover import FileProblem
from linter.engine import Outcome, catalogue_directory, load_rules
from linter.models.base import ResourceRef, SourceLocation
from linter.pipeline import ScanRequest, ScanResult, scan
from tests.conftest import REPOSITORY

RULES = load_rules([catalogue_directory("rules")])
RULES_BY_ID = {rule.id: rule for rule in RULES}
EXAMPLES = REPOSITORY / "examples" / "dermatology-practice"
REQUEST = hashlib.sha256(b"the request's options").digest()


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(directory))
    yield directory
    cache.refuse_inside([])  # a refusal must not outlive its test in this process


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example practice plus a file that cannot be parsed (a problem to store)."""
    root = tmp_path_factory.mktemp("tree") / "practice"
    shutil.copytree(EXAMPLES, root)
    (root / "terraform" / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n')
    return root


@pytest.fixture(scope="module")
def scanned(tree: Path) -> ScanResult:
    return scan(ScanRequest(paths=[tree], root=tree, rules=RULES))


def cached_scan(result: ScanResult) -> result_cache.CachedScan:
    return result_cache.CachedScan(result.outcomes, result.problems, result.files_scanned,
                                   result.files_unrecognised, result.resources, result.skipped)


def key_of(result: ScanResult) -> str:
    key = result_cache.scan_key(result_cache.code_fingerprint(), REQUEST, result.inputs)
    assert key is not None
    return key


def exact(outcome: Outcome) -> tuple[object, ...]:
    """Every field of an outcome, its resource as a ResourceRef, facts by repr (so that
    True and 1, or a tuple and a list, do not compare equal)."""
    resource = outcome.resource
    return (outcome.rule, outcome.status, outcome.message, outcome.location,
            outcome.attribute, outcome.element, outcome.suppression, repr(outcome.facts),
            ResourceRef(resource.address, resource.source_type, resource.source_format,
                        resource.location, resource.scope, resource.MODEL))


def entry_path(directory: Path, key: str) -> Path:
    return directory / result_cache.NAMESPACE / key[:2] / key


def test_a_stored_scan_reads_back_exactly(cache_dir: Path, scanned: ScanResult) -> None:
    # The example holds TLS policy facts, elements and an unparsable file: all round-trip.
    assert any(outcome.facts for outcome in scanned.outcomes)
    assert any(outcome.element for outcome in scanned.outcomes)
    assert [problem.path for problem in scanned.problems] == ["terraform/broken.tf"]
    key = key_of(scanned)
    assert result_cache.load(key, RULES) is None  # nothing stored yet
    assert result_cache.store(key, cached_scan(scanned), [])

    loaded = result_cache.load(key, RULES)

    assert loaded is not None
    assert [exact(outcome) for outcome in loaded.outcomes] == \
        [exact(outcome) for outcome in scanned.outcomes]
    assert all(type(outcome.resource) is ResourceRef for outcome in loaded.outcomes)
    assert [outcome.fingerprint for outcome in loaded.outcomes] == \
        [outcome.fingerprint for outcome in scanned.outcomes]
    assert loaded.problems == scanned.problems
    assert [dataclasses.astuple(problem) for problem in loaded.problems] == \
        [dataclasses.astuple(problem) for problem in scanned.problems]
    assert (loaded.files_scanned, loaded.files_unrecognised, loaded.resources,
            loaded.skipped) == (scanned.files_scanned, scanned.files_unrecognised,
                                scanned.resources, scanned.skipped)


def synthetic(facts: tuple[tuple[str, object], ...]) -> result_cache.CachedScan:
    place = SourceLocation("main.tf", 3, 9)
    resource = ResourceRef("aws_lb_listener.web", "aws_lb_listener", "terraform", place, "",
                           "aws.elb.Listener")
    outcome = Outcome(RULES[0], resource, Status.FAIL, "a message", SourceLocation(
        "main.tf", 5, 5), "ssl_policy", "default_action[0]", facts=facts)
    problem = FileProblem("other.tf", "cannot parse", "warning", 7)
    return result_cache.CachedScan([outcome], [problem], 2, 1, 1, {".gitignore": 4})


def test_facts_keep_their_exact_values_and_types(cache_dir: Path) -> None:
    facts = (("tls13", True), ("count", 1), ("ratio", 1.5), ("zero", -0.0), ("none", None),
             ("names", ["a", ("b", 2)]), ("pair", ("x", [False])), ("big", 2 ** 70),
             ("text", "ünïcode \u2028 \"quoted\""))
    key = "a" * 64
    assert result_cache.store(key, synthetic(facts), [])

    loaded = result_cache.load(key, RULES)

    assert loaded is not None
    assert repr(loaded.outcomes[0].facts) == repr(facts)
    assert exact(loaded.outcomes[0]) == exact(synthetic(facts).outcomes[0])
    assert loaded.problems == [FileProblem("other.tf", "cannot parse", "warning", 7)]
    assert loaded.skipped == {".gitignore": 4}


def test_a_fact_the_format_cannot_hold_is_not_stored(cache_dir: Path) -> None:
    for facts in ((("policy", {"a": 1}),), (("ratio", float("nan")),), (("set", {1}),)):
        assert not result_cache.store("b" * 64, synthetic(facts), [])
    assert result_cache.load("b" * 64, RULES) is None


def test_a_suppressed_outcome_is_not_stored(cache_dir: Path) -> None:
    """Exceptions (inline suppressions, waivers with dates) apply after the cache: an
    outcome carrying one means the caller stored too late."""
    stored = synthetic(())
    stored.outcomes[0] = dataclasses.replace(stored.outcomes[0], suppression="waived")
    assert not result_cache.store("b" * 64, stored, [])
    stored.outcomes[0] = dataclasses.replace(stored.outcomes[0], suppression=None,
                                             status="not a status")
    assert not result_cache.store("b" * 64, stored, [])


def test_the_key_covers_each_input_its_name_the_code_and_the_request(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a.tf", tmp_path / "b.tf"
    first.write_text('resource "aws_s3_bucket" "a" {}\n')
    second.write_text('resource "aws_s3_bucket" "b" {}\n')
    fingerprint = result_cache.code_fingerprint()
    inputs = [(first, "a.tf"), (second, "b.tf")]
    key = result_cache.scan_key(fingerprint, REQUEST, inputs)
    assert key == result_cache.scan_key(fingerprint, REQUEST, list(inputs))

    other_keys = [
        result_cache.scan_key(fingerprint, REQUEST, [(first, "x/a.tf"), (second, "b.tf")]),
        result_cache.scan_key(fingerprint, REQUEST, inputs[:1]),
        result_cache.scan_key(b"other code", REQUEST, inputs),
        result_cache.scan_key(fingerprint, b"other options", inputs),
    ]
    second.write_text('resource "aws_s3_bucket" "b" { bucket = "x" }\n')
    other_keys.append(result_cache.scan_key(fingerprint, REQUEST, inputs))
    monkeypatch.setenv("EPHI_LINT_DEBUG", "1")  # crash texts then quote the error
    other_keys.append(result_cache.scan_key(fingerprint, REQUEST, inputs))

    assert key not in other_keys and len(set(other_keys)) == len(other_keys)
    second.unlink()
    assert result_cache.scan_key(fingerprint, REQUEST, inputs) is None  # unreadable: none


def test_the_code_fingerprint_follows_the_hcl_parser_choice(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EPHI_LINT_HCL_PARSER", raising=False)
    chosen = result_cache.code_fingerprint()
    assert result_cache.code_fingerprint() == chosen
    monkeypatch.setenv("EPHI_LINT_HCL_PARSER", "python-hcl2")
    assert result_cache.code_fingerprint() != chosen


def test_the_rules_digest_changes_with_any_rule(cache_dir: Path) -> None:
    digest = result_cache.rules_digest(RULES)
    assert result_cache.rules_digest(list(RULES)) == digest
    changed = dataclasses.replace(RULES[5], condition={"field": "other", "exists": True})
    assert result_cache.rules_digest([*RULES[:5], changed, *RULES[6:]]) != digest
    assert result_cache.rules_digest(RULES[1:]) != digest


def test_rules_from_a_directory_are_digested_by_their_catalogue_key(
        cache_dir: Path, tmp_path: Path) -> None:
    """A rule read from a rules directory is digested by its origin (the catalogue key
    over every rule file's bytes, and its file), not its data: an edit to one file is
    still a miss, and a rule made by hand (or copied with a change) by its data."""
    rules = tmp_path / "rules"
    shutil.copytree(catalogue_directory("rules"), rules)
    loaded = load_rules([rules])
    assert all(rule.origin.endswith(":" + Path(rule.path).relative_to(rules).as_posix())
               for rule in loaded)
    digest = result_cache.rules_digest(loaded)
    assert result_cache.rules_digest(load_rules([rules])) == digest
    edited = rules / Path(loaded[0].path).relative_to(rules)
    edited.write_text(edited.read_text().replace("title:", "title: edited", 1))
    assert result_cache.rules_digest(load_rules([rules])) != digest
    copied = dataclasses.replace(loaded[0])
    assert copied.origin == "" and copied == loaded[0]
    assert result_cache.rules_digest([copied, *loaded[1:]]) != digest


def test_a_changed_or_vanished_dependency_is_a_miss(cache_dir: Path, tmp_path: Path,
                                                   scanned: ScanResult) -> None:
    shared = tmp_path / "shared" / "main.tf"
    shared.parent.mkdir()
    shared.write_text('variable "name" {}\n')
    digest = hashlib.sha256(shared.read_bytes()).hexdigest()
    key = key_of(scanned)
    assert result_cache.store(key, cached_scan(scanned), [(str(shared), digest)])
    assert result_cache.load(key, RULES) is not None

    shared.write_text('variable "name" { default = "x" }\n')
    assert result_cache.load(key, RULES) is None
    shared.write_text('variable "name" {}\n')
    assert result_cache.load(key, RULES) is not None
    shared.unlink()
    assert result_cache.load(key, RULES) is None


def test_a_module_folder_that_gains_a_file_or_a_path_that_appears_is_a_miss(
        cache_dir: Path, tmp_path: Path, scanned: ScanResult) -> None:
    """A module folder outside the scan is listed (a new .tf file there changes the
    result), and a module source or manifest that did not exist may be created later."""
    module = tmp_path / "modules" / "bucket"
    module.mkdir(parents=True)
    (module / "main.tf").write_text('variable "name" {}\n')
    manifest = tmp_path / ".terraform" / "modules" / "modules.json"
    dependencies = [(str(module), result_cache.dependency_digest(str(module))),
                    (str(manifest), result_cache.dependency_digest(str(manifest)))]
    assert dependencies[0][1].startswith("folder:") and dependencies[1][1] == "absent"
    key = key_of(scanned)
    assert result_cache.store(key, cached_scan(scanned), dependencies)
    assert result_cache.load(key, RULES) is not None

    (module / "outputs.tf").write_text('output "id" { value = 1 }\n')
    assert result_cache.load(key, RULES) is None
    (module / "outputs.tf").unlink()
    assert result_cache.load(key, RULES) is not None
    manifest.parent.mkdir(parents=True)
    manifest.write_text('{"Modules": []}\n')
    assert result_cache.load(key, RULES) is None


def test_recorded_dependencies_are_what_the_scan_saw(cache_dir: Path, tmp_path: Path,
                                                    scanned: ScanResult) -> None:
    template = tmp_path / "policy.json.tpl"
    template.write_text('{"Statement": []}\n')
    seen = result_cache.Dependencies()
    seen.read(template, b'{"Statement": [1]}\n')  # the bytes read then, not those now
    seen.looked_at(tmp_path / "Chart.yaml")
    seen.looked_at(tmp_path / "Chart.yaml")
    assert seen.items() == [
        (str(tmp_path / "Chart.yaml"), "absent"),
        (str(template), hashlib.sha256(b'{"Statement": [1]}\n').hexdigest())]
    key = key_of(scanned)
    assert result_cache.store(key, cached_scan(scanned), seen.items())
    assert result_cache.load(key, RULES) is None  # the template changed after the read
    template.write_text('{"Statement": [1]}\n')
    assert result_cache.load(key, RULES) is not None


def test_a_dependency_unreadable_at_scan_time_is_always_a_miss(
        cache_dir: Path, scanned: ScanResult) -> None:
    key = key_of(scanned)
    assert result_cache.store(key, cached_scan(scanned), [("/", "unreadable")])
    assert result_cache.load(key, RULES) is None


def test_a_corrupted_truncated_or_emptied_entry_is_a_miss(cache_dir: Path,
                                                          scanned: ScanResult) -> None:
    key = key_of(scanned)
    assert result_cache.store(key, cached_scan(scanned), [])
    entry = entry_path(cache_dir, key)
    stored = entry.read_bytes()
    middle = len(stored) // 2
    flipped = stored[:middle] + bytes([stored[middle] ^ 1]) + stored[middle + 1:]
    for damaged in (flipped, stored[:-1], stored[:middle], b"", b"ephi-lint-results-1\n"):
        entry.write_bytes(damaged)
        assert result_cache.load(key, RULES) is None
    entry.write_bytes(stored)
    assert result_cache.load(key, RULES) is not None


def test_another_keys_entry_is_a_miss(cache_dir: Path, scanned: ScanResult) -> None:
    key = key_of(scanned)
    other = "0" * 64
    assert result_cache.store(key, cached_scan(scanned), [])
    planted = entry_path(cache_dir, other)
    planted.parent.mkdir(mode=0o700, exist_ok=True)  # the stored key may start with 00 too
    shutil.copyfile(entry_path(cache_dir, key), planted)
    os.chmod(planted, 0o600)
    assert result_cache.load(other, RULES) is None


def test_an_entry_naming_a_rule_that_is_not_loaded_is_a_miss(cache_dir: Path,
                                                             scanned: ScanResult) -> None:
    key = key_of(scanned)
    assert result_cache.store(key, cached_scan(scanned), [])
    judged = scanned.outcomes[0].rule.id
    assert result_cache.load(key, [rule for rule in RULES if rule.id != judged]) is None


def sealed(key: str, document: dict[str, object]) -> bytes:
    payload = json.dumps(document).encode()
    return (result_cache.FORMAT.encode() + b"\n" + key.encode()
            + hashlib.sha256(payload).digest() + payload)


def test_a_sealed_entry_with_wrong_data_is_still_a_miss(cache_dir: Path) -> None:
    """An entry written by something other than store (correct seal and key, wrong
    content) decodes into nothing: a negative index, a line that is not a number."""
    key = "c" * 64
    assert result_cache.store(key, synthetic(()), [])
    entry = entry_path(cache_dir, key)
    good = json.loads(entry.read_bytes()[len(result_cache.FORMAT) + 1 + 64 + 32:])
    assert result_cache.load(key, RULES) is not None
    # -1 would name the last string: a valid message, were negative indexes not refused.
    for field, value in (("outcomes", [good["outcomes"][0], -1, *good["outcomes"][2:]]),
                         ("locations", [good["locations"][0], 3.0, good["locations"][2],
                                        *good["locations"][3:]]),
                         ("resources", good["resources"][:-1]),
                         ("strings", [*good["strings"][:-1], 7]),
                         ("format", "ephi-lint-results-0"), ("key", "d" * 64),
                         ("counts", [1, 2])):
        entry.write_bytes(sealed(key, {**good, field: value}))
        assert result_cache.load(key, RULES) is None, field
    entry.write_bytes(sealed(key, good))
    assert result_cache.load(key, RULES) is not None


def test_a_symlinked_entry_is_a_miss(cache_dir: Path, tmp_path: Path,
                                     scanned: ScanResult) -> None:
    key = key_of(scanned)
    assert result_cache.store(key, cached_scan(scanned), [])
    entry = entry_path(cache_dir, key)
    elsewhere = tmp_path / "elsewhere"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    assert result_cache.load(key, RULES) is None


def test_a_cache_folder_inside_the_scanned_checkout_is_not_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scanned: ScanResult) -> None:
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    (checkout / "main.tf").write_text('resource "aws_s3_bucket" "a" {}\n')
    inside = checkout / ".cache" / "ephi-lint"
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(inside))
    key = key_of(scanned)
    assert result_cache.store(key, cached_scan(scanned), [])  # a committed entry
    try:
        assert cache.refuse_inside([checkout]) is not None
        assert result_cache.load(key, RULES) is None
        assert not result_cache.store(key, cached_scan(scanned), [])
    finally:
        cache.refuse_inside([])


def test_no_entry_when_caching_is_off(monkeypatch: pytest.MonkeyPatch,
                                      scanned: ScanResult) -> None:
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    key = key_of(scanned)
    assert not result_cache.store(key, cached_scan(scanned), [])
    assert result_cache.load(key, RULES) is None


def test_a_result_that_depends_on_the_clock_is_not_stored(cache_dir: Path) -> None:
    fixture = REPOSITORY / "fixtures" / "CRT-001"
    result = scan(ScanRequest(paths=[fixture], root=fixture, rules=RULES))
    assert "CRT-003" in {outcome.rule.id for outcome in result.outcomes}  # days to expiry
    key = key_of(result)
    assert not result_cache.store(key, cached_scan(result), [])
    assert result_cache.load(key, RULES) is None


def test_old_entries_are_pruned(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(result_cache, "MAX_RESULT_ENTRIES", 2)
    keys = [f"{index:x}" * 64 for index in range(1, 5)]
    for age, key in enumerate(keys):
        assert result_cache.store(key, synthetic(()), [])
        os.utime(entry_path(cache_dir, key), (1_000_000 + age, 1_000_000 + age))
    assert [result_cache.load(key, RULES) is not None for key in keys] == \
        [False, False, True, True]


def test_entries_are_data_never_pickle(cache_dir: Path) -> None:
    source = Path(result_cache.__file__).read_text()
    assert not any(f"import {name}" in source for name in ("pickle", "marshal", "shelve"))
    key = "e" * 64
    assert result_cache.store(key, synthetic((("tls13", True),)), [])
    stored = entry_path(cache_dir, key).read_bytes()
    document = json.loads(stored[len(result_cache.FORMAT) + 1 + 64 + 32:])
    assert document["format"] == result_cache.FORMAT and document["key"] == key
