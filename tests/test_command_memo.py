"""A scan command line run again skips typer (linter.command_memo, linter.launch): the
same report, never another line's options, nothing kept from a scanned tree or a --var.
A line not seen before is parsed in a forked process: the same help, errors and exit
codes as typer's own."""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from linter import cache, command_memo
from linter.cli_scan import scan
from linter.scan_options import ScanOptions
from tests.conftest import REPOSITORY

UNROTATED_KEY = 'resource "aws_kms_key" "unrotated" {\n  description = "phi"\n}\n'

# The console script's own code path (linter.launch.run ends with os._exit, so the probe
# calls what it calls), then whether the options were recalled or parsed, and whether
# this process loaded typer (it never does: a line is parsed in a forked process).
PROBE = ("import sys\nfrom linter import command_memo\nfrom linter.launch import _command\n"
         "recalled = command_memo.recall(sys.argv[1:]) is not None\n"
         "try:\n    _command(sys.argv[1:], None)\nexcept SystemExit as exit:\n"
         "    print('exit', exit.code)\n"
         "print('recalled' if recalled else 'parsed', 'typer' in sys.modules)\n")


def _run(arguments: list[str], cwd: Path, cache_folder: Path,
         **environment: str) -> tuple[list[str], str]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, *arguments], cwd=cwd, capture_output=True, text=True,
        timeout=120, env={**os.environ, "PYTHONPATH": str(REPOSITORY),
                          "EPHI_LINT_CACHE_DIR": str(cache_folder), **environment})
    return completed.stdout.splitlines()[-2:], completed.stderr


def _findings(path: Path) -> list[tuple[str, str, int]]:
    report = json.loads(path.read_text(encoding="utf-8"))
    return [(finding["rule"], finding["resource"], finding["line"])
            for finding in report["findings"]]


def _entries(cache_folder: Path) -> list[Path]:
    folder = cache_folder / command_memo.NAMESPACE
    return sorted(path for path in folder.rglob("*") if path.is_file()) \
        if folder.is_dir() else []


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.tf").write_text(UNROTATED_KEY, encoding="utf-8")
    return project


def test_the_options_are_every_parameter_of_the_scan_command() -> None:
    parameters = [name for name in inspect.signature(scan).parameters if name != "context"]
    assert [field.name for field in dataclasses.fields(ScanOptions)] == parameters
    # Each field's annotation has a reader, so every option can be stored and read back.
    assert {str(field.type) for field in dataclasses.fields(ScanOptions)} \
        <= set(command_memo._READERS)


def test_a_command_line_run_again_skips_typer_and_reports_the_same(
        tree: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    arguments = ["scan", ".", "-f", "json", "-o", "out.json", "--exclude-rule", "ENC-*"]
    first, errors = _run(arguments, tree, folder)
    assert first == ["exit 1", "parsed False"], errors
    first_findings = _findings(tree / "out.json")
    assert first_findings == [("KEY-002", "aws_kms_key.unrotated", 1)]
    assert len(_entries(folder)) == 1
    (tree / "out.json").unlink()
    second, errors = _run(arguments, tree, folder)
    assert second == ["exit 1", "recalled False"], errors
    assert _findings(tree / "out.json") == first_findings
    # Another line is another entry: typer parses it.
    third, errors = _run([*arguments, "--soft-fail"], tree, folder)
    assert third == ["exit 0", "parsed False"], errors


def test_an_option_set_in_the_environment_is_part_of_the_key(tree: Path,
                                                             tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    arguments = ["scan", "main.tf", "-q"]
    assert _run(arguments, tree, folder)[0] == ["exit 1", "parsed False"]
    assert _run(arguments, tree, folder, EPHI_LINT_SOFT_FAIL="true")[0] \
        == ["exit 0", "parsed False"]
    assert _run(arguments, tree, folder)[0] == ["exit 1", "recalled False"]
    assert _run(arguments, tree, folder, EPHI_LINT_SOFT_FAIL="true")[0] \
        == ["exit 0", "recalled False"]


def test_errors_come_out_the_same_without_typer(tree: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    arguments = ["scan", ".", "--include-rule", "NO-SUCH-*"]
    first, first_errors = _run(arguments, tree, folder)
    assert first == ["exit 2", "parsed False"]
    # A usage error found after parsing is no reason to parse again next time.
    second, second_errors = _run(arguments, tree, folder)
    assert second == ["exit 2", "recalled False"]
    assert second_errors == first_errors == \
        "ephi-lint: error: no rule matches 'NO-SUCH-*' (see `ephi-lint rules`)\n"


def test_terraform_variables_and_parameters_are_never_stored(tree: Path,
                                                             tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    for option in ("--var", "--cfn-param"):
        arguments = ["scan", ".", option, "db_password=hunter2-secret", "-q"]
        assert _run(arguments, tree, folder)[0] == ["exit 1", "parsed False"]
        assert _run(arguments, tree, folder)[0] == ["exit 1", "parsed False"]
    assert _entries(folder) == []
    assert not any(b"hunter2" in path.read_bytes() for path in folder.rglob("*")
                   if path.is_file())


def test_completion_always_goes_to_typer(tree: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    arguments = ["scan", ".", "-q"]
    _run(arguments, tree, folder)
    assert command_memo._folder(arguments) is not None
    os.environ[command_memo.COMPLETION_VARIABLE] = "bash_complete"
    try:
        assert command_memo._folder(arguments) is None
    finally:
        del os.environ[command_memo.COMPLETION_VARIABLE]
    assert command_memo._folder(["rules"]) is None  # and only `scan` is remembered


def _plant(folder: Path, arguments: list[str], payload: bytes) -> None:
    """An entry under the key `arguments` have in this process's environment (whose
    EPHI_LINT_CACHE_DIR names `folder`)."""
    key = command_memo._key(arguments)
    assert cache.write_bytes(folder, (command_memo.NAMESPACE, key[:2], key),
                             cache.sealed_pieces(command_memo._MAGIC, key, (payload,)))


def _payload(arguments: list[str], **options: object) -> bytes:
    stored = command_memo._encoded(ScanOptions(paths=["."], **options))  # type: ignore[arg-type]
    return json.dumps({"format": command_memo.FORMAT, "key": command_memo._key(arguments),
                       "options": stored}).encode()


def test_an_entry_inside_the_scanned_tree_is_never_used(
        tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CI cache folder restored into the checkout could hold a committed entry that
    turns findings into a pass."""
    folder = tree / ".cache"
    arguments = ["scan", ".", "-q"]
    monkeypatch.chdir(tree)
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(folder))
    _plant(folder, arguments, _payload(arguments, soft_fail=True, quiet=True))
    assert command_memo.recall(arguments) is None
    (tree / ".git").mkdir()  # and anywhere in the git work tree around a scanned file
    assert command_memo.recall(["scan", "main.tf", "-q"]) is None
    result, _ = _run(arguments, tree, folder)
    assert result == ["exit 1", "parsed False"]


def test_an_entry_elsewhere_is_used_only_when_intact(
        tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    arguments = ["scan", ".", "-q"]
    monkeypatch.chdir(tree)
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(folder))
    _plant(folder, arguments, _payload(arguments, quiet=True))
    assert command_memo.recall(arguments) == ScanOptions(paths=["."], quiet=True)
    assert command_memo.recall(["scan", ".", "-q", "--soft-fail"]) is None  # another key
    broken = [
        b"{",  # not JSON
        json.dumps({"format": command_memo.FORMAT, "key": "0" * 64,
                    "options": {}}).encode(),  # another key inside
        _payload(arguments, quiet=1),  # a number where a flag belongs
        json.dumps({"format": command_memo.FORMAT, "key": command_memo._key(arguments),
                    "options": {"paths": ["."]}}).encode(),  # fields missing
    ]
    for payload in broken:
        _plant(folder, arguments, payload)
        assert command_memo.recall(arguments) is None, payload
    # Bytes that are not what was sealed under the key: a miss too.
    _plant(folder, arguments, _payload(arguments, quiet=True))
    entry = _entries(folder)[0]
    entry.write_bytes(entry.read_bytes().replace(b"true", b"fals"))
    assert command_memo.recall(arguments) is None


def test_the_key_follows_the_code_that_declares_the_options(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "linter"
    package.mkdir()
    for name in command_memo._DECLARING_MODULES:
        (package / name).write_text("# options\n", encoding="utf-8")
    monkeypatch.setattr(command_memo, "_PACKAGE", package)
    arguments = ["scan", "."]
    before = command_memo._key(arguments)
    assert command_memo._key(arguments) == before
    (package / "cli_scan.py").write_text("# options, edited\n", encoding="utf-8")
    assert command_memo._key(arguments) != before
    monkeypatch.setenv("EPHI_LINT_FORMAT", "sarif")
    assert command_memo._key(arguments) != command_memo._key(["scan", ". "])


def _launch(arguments: list[str], cwd: Path, stdin: str = "",
            code: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", f"{code}from linter.launch import run\nrun()", *arguments],
        cwd=cwd, capture_output=True, text=True, timeout=120, input=stdin,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY), "EPHI_LINT_CACHE_DIR": "off"})


def test_help_and_usage_errors_come_from_the_parsing_process_as_typer_writes_them(
        tree: Path) -> None:
    for arguments, code in ((["scan", "--help"], 0), (["scan", "--no-such-option"], 2),
                            (["scan"], 2), (["scan", ".", "--severity-threshold", "x"], 2),
                            (["scan", ".", "--max-file-size", "nan"], 2)):
        forked = _launch(arguments, tree)
        alone = _launch(arguments, tree, code="import os\ndel os.fork\n")
        assert (forked.returncode, forked.stdout, forked.stderr) \
            == (alone.returncode, alone.stdout, alone.stderr), arguments
        assert forked.returncode == code, forked.stderr
    assert "Usage: ephi-lint scan [OPTIONS]" in _launch(["scan", "--help"], tree).stdout


def test_a_parsing_process_that_dies_is_an_error(tree: Path) -> None:
    dies = "import os\nimport linter.command_memo as memo\nmemo.hand_over = lambda _: os._exit(9)\n"
    died = _launch(["scan", "."], tree, code=dies)
    assert (died.returncode, died.stdout) == (2, "")
    assert died.stderr == ("ephi-lint: internal error: the command line's parsing process "
                           "exited with code 9\n")


def test_options_cut_short_are_parsed_again_here(tree: Path) -> None:
    cut = ("import os\nimport linter.command_memo as memo\n"
           "def cut_short(_):\n    if memo._delivery is None:\n        return False\n"
           "    os.write(memo._delivery, b'{\"paths\": [')\n    return True\n"
           "memo.hand_over = cut_short\n")
    scanned = _launch(["scan", ".", "-f", "json"], tree, code=cut)
    assert scanned.returncode == 1, scanned.stderr
    assert [finding["rule"] for finding in json.loads(scanned.stdout)["findings"]] \
        == ["KEY-002"]


def test_a_parsed_line_scans_as_it_does_without_the_parsing_process(tree: Path) -> None:
    for arguments, stdin in ((["scan", ".", "-f", "json"], ""),
                             (["scan", "-", "--input-format", "terraform", "-f", "json"],
                              UNROTATED_KEY),
                             (["scan", "nowhere.tf"], "")):
        forked = _launch(arguments, tree, stdin)
        alone = _launch(arguments, tree, stdin, code="import os\ndel os.fork\n")
        assert forked.returncode == alone.returncode, forked.stderr
        seconds = re.compile(r"\(\d+\.\d+s\)")  # the summary's time
        assert seconds.sub("", forked.stderr) == seconds.sub("", alone.stderr)
        if forked.stdout:
            findings = [json.loads(completed.stdout)["findings"] for completed in (forked, alone)]
            assert findings[0] == findings[1] != []


def test_the_fast_path_loads_no_command_line_parser() -> None:
    probe = ("import sys\nimport linter.launch, linter.command_memo, linter.scan_command\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('typer', 'click', 'rich', 'pydantic')))")
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                               cwd=REPOSITORY, timeout=120)
    assert completed.stdout.strip() == "[]", completed.stderr
