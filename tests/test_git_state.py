"""How linter.git_state runs git (GitRun, posix_spawn): a git that hangs is killed at the
timeout, a missing git is a reason, a git that writes a lot on both pipes cannot block,
its failure names its first error line, and it gets nothing of ours but its three
standard streams. The states themselves are tested in tests/test_evidence.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from linter.git_state import GitRun, git_state

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture()
def repository(tmp_path: Path) -> Path:
    folder = tmp_path / "repository"
    folder.mkdir()
    (folder / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    for command in (["init", "-q"], ["add", "main.tf"],
                    ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "one"]):
        subprocess.run(["git", *command], cwd=folder, check=True, capture_output=True)
    return folder


def _fake_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    """A `git` first on PATH: a Python script whose status command runs `body`."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "git"
    script.write_text(f"#!{sys.executable}\nimport os, sys, time\n{body}\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


def test_a_git_that_hangs_is_killed_at_the_timeout(repository: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_git(tmp_path, monkeypatch, "time.sleep(30)")
    started = time.monotonic()
    state = git_state(repository, timeout=0.5)
    assert time.monotonic() - started < 10
    assert state["reason"] == "git status took longer than 0.5s"
    assert state["dirty"] is None and len(state["commit"]) == 40


def test_no_git_on_the_path_is_a_reason(repository: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    state = git_state(repository)
    assert state["reason"] == "git is not installed" and state["dirty"] is None


def test_a_git_that_writes_a_lot_on_both_pipes_is_read_whole(
        repository: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Far more than a pipe holds, on both: read one after the other, git would block.
    _fake_git(tmp_path, monkeypatch,
              "for _ in range(50):\n"
              "    sys.stderr.write('w' * 8000 + '\\n'); sys.stderr.flush()\n"
              "    sys.stdout.write(' M file\\0' * 1000); sys.stdout.flush()")
    state = git_state(repository)
    assert state["dirty"] is True and state["changed_files"] == 50_000


def test_a_failing_git_names_its_first_error_line(repository: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_git(tmp_path, monkeypatch,
              "sys.stderr.write('fatal: not today\\nmore\\n'); sys.exit(128)")
    assert git_state(repository)["reason"] == "git status: fatal: not today"


def test_git_gets_its_three_streams_and_nothing_else_of_ours(tmp_path: Path) -> None:
    script = tmp_path / "probe.py"
    script.write_text("import os, sys\n"
                      "print(sorted(int(fd) for fd in os.listdir('/proc/self/fd')))\n"
                      "print(repr(sys.stdin.read()))\n")
    kept_open = os.open(tmp_path, os.O_RDONLY)  # one of ours, close-on-exec as Python makes it
    try:
        run = GitRun([sys.executable, str(script)], dict(os.environ))
        output = run.output(30)
    finally:
        os.close(kept_open)
    assert output is not None and run.returncode == 0
    descriptors, standard_input = output[0].splitlines()
    # 0, 1 and 2, and the descriptor listing /proc/self/fd itself.
    assert eval(descriptors) == [0, 1, 2, 3]  # noqa: S307 - our own script's list
    assert standard_input == "''"


def test_poll_tells_an_ended_run_without_waiting(tmp_path: Path) -> None:
    run = GitRun([sys.executable, "-c", "import time; time.sleep(0.2)"], dict(os.environ))
    assert run.poll() is None
    output = run.output(30)
    assert output == ("", "") and run.returncode == 0 and run.poll() == 0


def test_without_posix_spawn_subprocess_runs_git(repository: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    spawned = git_state(repository)
    monkeypatch.delattr(os, "posix_spawnp")
    assert git_state(repository) == spawned and spawned["dirty"] is False
    _fake_git(tmp_path, monkeypatch, "time.sleep(30)")
    assert git_state(repository, timeout=0.5)["reason"] == "git status took longer than 0.5s"
