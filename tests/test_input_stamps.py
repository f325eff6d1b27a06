"""Inputs remembered by their stats (linter.input_stamps): an unchanged input is not read
again, any change to it is (its size and modification time restored too), a file written
in the last seconds is never remembered, and an entry that is not exactly as stored, or
kept inside a scanned path, is a miss."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from linter import cache, input_stamps
from linter.input_facts import InputRead, read_input
from linter.input_stamps import InputStamps
from tests.conftest import REPOSITORY

FINGERPRINT = b"\0" * 32


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "tree"
    shutil.copytree(REPOSITORY / "examples" / "dermatology-practice" / "terraform", folder)
    return folder


@pytest.fixture()
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files copied a moment ago count as settled (a stamp waits for a few seconds)."""
    monkeypatch.setattr(input_stamps.digests, "SETTLED_NS", 0)


def _inputs(tree: Path) -> list[tuple[Path, str]]:
    return [(path, path.relative_to(tree).as_posix()) for path in sorted(tree.rglob("*.tf"))]


def _run(tree: Path, fingerprint: bytes = FINGERPRINT) -> tuple[dict[str, InputRead], list[str]]:
    """One run's reads by display path, and the inputs it read from disk."""
    read_from_disk: list[str] = []
    original = input_stamps.read_input

    def counted(path: Path, display_path: str, information: Any = None) -> InputRead | None:
        read_from_disk.append(display_path)
        return original(path, display_path, information)

    input_stamps.read_input = counted  # type: ignore[assignment]
    try:
        stamps = InputStamps.recall(fingerprint, (tree,), tree)
        reads = {shown: read for path, shown in _inputs(tree)
                 if (read := stamps.read(path, shown)) is not None}
        stamps.store()
    finally:
        input_stamps.read_input = original  # type: ignore[assignment]
    return reads, read_from_disk


def _entries() -> list[Path]:
    return sorted((Path(os.environ["EPHI_LINT_CACHE_DIR"]) / input_stamps.NAMESPACE).glob("*/*"))


def test_an_unchanged_input_is_not_read_again(tree: Path, settled: None) -> None:
    first, read_first = _run(tree)
    names = [shown for _, shown in _inputs(tree)]
    assert read_first == names and len(names) > 3
    second, read_second = _run(tree)
    assert read_second == []
    # What the stamps give is what reading gives: stat, digest, size and facts.
    assert second == first == {shown: read_input(path, shown) for path, shown in _inputs(tree)}


def test_an_input_edited_in_place_with_its_size_and_time_kept_is_read(
        tree: Path, settled: None) -> None:
    _run(tree)
    edited = tree / "main.tf"
    before = edited.stat()
    text = edited.read_text(encoding="utf-8")
    time.sleep(0.05)  # past the file system clock's tick: the change time moves
    edited.write_text(text.replace("=", "#", 1), encoding="utf-8")
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = edited.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    reads, read_from_disk = _run(tree)
    assert read_from_disk == ["main.tf"]
    assert reads["main.tf"] == read_input(edited, "main.tf")


def test_a_replaced_new_or_removed_input_is_seen(tree: Path, settled: None) -> None:
    _run(tree)
    replacement = tree / "replacement.tmp"
    shutil.copy2(tree / "main.tf", replacement)  # same bytes and times, another inode
    replacement.replace(tree / "main.tf")
    (tree / "added.tf").write_text('resource "aws_s3_bucket" "b" {}\n', encoding="utf-8")
    removed = sorted(tree.rglob("*.tf"))[-1]
    removed.unlink()
    reads, read_from_disk = _run(tree)
    assert read_from_disk == ["added.tf", "main.tf"]
    assert set(reads) == {shown for _, shown in _inputs(tree)}
    _, read_again = _run(tree)
    assert read_again == []  # the entry now holds exactly these inputs


def test_inputs_written_in_the_last_seconds_are_not_remembered(tree: Path) -> None:
    _, read_first = _run(tree)
    _, read_second = _run(tree)
    assert read_second == read_first  # copied a moment ago: a write in the same tick could follow


def test_another_codes_or_paths_entry_is_not_used(tree: Path, settled: None) -> None:
    _run(tree)
    _, read_by_other_code = _run(tree, b"\1" * 32)
    assert read_by_other_code == [shown for _, shown in _inputs(tree)]


@pytest.mark.parametrize("tampering", ["digest", "flag", "shape", "format", "truncated",
                                       "other key"])
def test_an_entry_not_exactly_as_stored_is_a_miss(tree: Path, settled: None,
                                                  tampering: str) -> None:
    _run(tree)
    [entry] = _entries()
    data = entry.read_bytes()
    magic = input_stamps.FORMAT.encode() + b"\n"
    key = entry.name
    payload = cache.unsealed(magic, key, data)
    assert payload is not None
    document = json.loads(payload)
    if tampering == "digest":
        document["files"][0][6] = "ab" * 31
    elif tampering == "flag":
        document["files"][0][8] = 1
    elif tampering == "shape":
        document["files"][0] = document["files"][0][:-1]
    elif tampering == "format":
        document["format"] = "ephi-lint-input-stamps-0"
    if tampering == "truncated":
        entry.write_bytes(data[:-10])
    elif tampering == "other key":
        entry.write_bytes(b"".join(cache.sealed_pieces(magic, "0" * 64, (payload,))))
    else:
        entry.write_bytes(b"".join(cache.sealed_pieces(
            magic, key, (json.dumps(document).encode(),))))
    _, read_from_disk = _run(tree)
    assert read_from_disk == [shown for _, shown in _inputs(tree)]


def test_a_cache_folder_inside_a_scanned_path_is_neither_read_nor_written(
        tree: Path, settled: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(tree / ".cache"))
    _run(tree)
    assert not (tree / ".cache").exists()
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    _, read_from_disk = _run(tree)
    assert read_from_disk == [shown for _, shown in _inputs(tree)]


def test_a_scan_sees_an_input_edited_in_place_with_its_size_and_time_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None) -> None:
    """End to end, through linter.scan_ahead's process and the result cache."""
    from linter.cli import app

    tree = tmp_path / "tree"
    tree.mkdir()
    bucket = tree / "main.tf"
    bucket.write_text('resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n}\n',
                      encoding="utf-8")
    monkeypatch.chdir(tree)
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EPHI_LINT_RESULT_CACHE", "on")  # the inputs are read ahead then

    def failed_rules() -> list[tuple[str, str, int]]:
        output = tmp_path / "report.json"
        with pytest.raises(SystemExit):
            app(["scan", ".", "-f", "json", "-o", str(output), "--no-config"])
        document = json.loads(output.read_text(encoding="utf-8"))
        return sorted((finding["rule"], finding["resource"], finding["line"])
                      for finding in document["findings"])

    passing = failed_rules()
    assert failed_rules() == passing
    assert list((tmp_path / "cache" / input_stamps.NAMESPACE).glob("*/*"))
    before = bucket.stat()
    time.sleep(0.05)
    bucket.write_text(bucket.read_text(encoding="utf-8").replace("= true", "=false"),
                      encoding="utf-8")
    os.utime(bucket, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert bucket.stat().st_size == before.st_size
    assert set(failed_rules()) - set(passing) == {("KEY-002", "aws_kms_key.k", 2)}
