"""The git state of a scanned root, for the provenance record (linter.provenance): its
commit and branch read from `.git` itself, its remote without credentials, and whether
the work tree differs from the commit, from `git status`.

Git runs with nothing the scanned repository configures able to run a program: its
filter drivers, fsmonitor, hooks and submodules are switched off, system and global
configuration ignored, optional locks off (no index write), under a timeout. No git, no
repository, a refusal or a timeout: the reason is recorded, and the scan goes on.

Its own module, light to import: linter.scan_ahead's forked process works the states out
after its first answer, and the report waits for them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from linter.redaction import redact

GIT_TIMEOUT_SECONDS = 10.0
_OBJECT_ID = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")  # SHA-1 or SHA-256 repositories


def git_state(root: Path, timeout: float = GIT_TIMEOUT_SECONDS) -> dict[str, Any]:
    """{commit, branch, dirty, remote} of the repository holding `root`, or {reason}."""
    return GitStates([root], timeout).result()[0]


class GitStates:
    """The git state of several roots, their `git` processes run side by side, and from
    creation on: made before a scan, they run while it does, and `result()` waits for
    what is left (each process under its own timeout)."""

    def __init__(self, roots: Sequence[Path], timeout: float = GIT_TIMEOUT_SECONDS) -> None:
        self._probes = [_GitProbe(root, timeout) for root in roots]

    def advance(self) -> None:
        """Starts `git status` for each root whose `git config` has finished, without
        waiting for any: called mid-scan, the status runs beside the rest of the scan
        rather than after it (8-13 ms at the end of a run over four repositories). A root
        whose configuration names no filter started its status on creation."""
        for probe in self._probes:
            if probe.filters is not None and probe.filters.poll() is not None:
                probe.start_status()

    def result(self) -> list[dict[str, Any]]:
        for probe in self._probes:
            probe.start_status()
        return [probe.state() for probe in self._probes]


class _GitProbe:
    """One root: the commit from `.git` itself, then `git config` (the filter drivers to
    switch off) when the repository's configuration could name any, then a hardened
    `git status` for the dirty state."""

    def __init__(self, root: Path, timeout: float) -> None:
        self.timeout = timeout
        self.start = root if root.is_dir() else root.parent
        self.done: dict[str, Any] | None = None
        self.filters: GitRun | None = None
        self.status: GitRun | None = None
        git_dir, work_tree = find_git_dir(self.start)
        if git_dir is None or work_tree is None:
            self.done = {"commit": None, "reason": "not in a git repository"}
            return
        commit, branch = read_head(git_dir)
        if commit is None:
            self.done = {"commit": None, "reason": branch or "HEAD could not be read"}
            return
        self.work_tree = work_tree
        self.found: dict[str, Any] = {"commit": commit, "branch": branch,
                                      "remote": remote_url(git_dir)}
        if _may_name_filters(git_dir):
            self.filters = self._run(["config", "--get-regexp", r"^filter\..*"])
        else:  # nothing to switch off: status starts now, one process instead of two
            self.status = self._run(_STATUS + ["--", str(self.start.resolve())])

    def _run(self, args: list[str]) -> GitRun | None:
        try:
            return _git(self.work_tree, args)
        except OSError as error:
            reason = "git is not installed" if isinstance(error, FileNotFoundError) \
                else f"git could not be started: {error.strerror or error}"
            self.done = {**self.found, "dirty": None, "reason": reason}
            return None

    def _output(self, process: GitRun, what: str) -> tuple[str, str] | None:
        output = process.output(self.timeout)
        if output is None:
            self.done = {**self.found, "dirty": None,
                         "reason": f"{what} took longer than {self.timeout:g}s"}
        return output

    def start_status(self) -> None:
        if self.done is not None or self.filters is None or self.status is not None:
            return
        output = self._output(self.filters, "git config")
        if output is None:
            return
        neutral: list[str] = []
        for line in output[0].splitlines():
            name = line.split(" ", 1)[0]
            if name.count(".") >= 2:
                neutral += ["-c", f"{name}="]
        self.status = self._run([*neutral, *_STATUS, "--", str(self.start.resolve())])

    def state(self) -> dict[str, Any]:
        """{commit, branch, remote, dirty, changed_files}, or a reason instead."""
        self.start_status()
        if self.done is not None:
            return self.done
        assert self.status is not None
        output = self._output(self.status, "git status")
        if output is None:
            return self.done or {}
        stdout, stderr = output
        if self.status.returncode != 0:
            first = (stderr.strip().splitlines() or ["failed"])[0]
            self.done = {**self.found, "dirty": None,
                         "reason": f"git status: {redact(first)[:200]}"}
            return self.done
        changed = [entry for entry in stdout.split("\0") if entry.strip()]
        self.done = {**self.found, "dirty": bool(changed), "changed_files": len(changed)}
        return self.done


_STATUS = ["status", "--porcelain=v1", "-z", "--untracked-files=normal",
           "--ignore-submodules=all"]


def _may_name_filters(git_dir: Path) -> bool:
    """Whether the repository's own configuration could define a filter driver: its
    config files mention `filter` or `include` (any case; git runs with no system or
    global configuration, see _git). Only then does `git config` list the drivers to
    switch off before `git status`; a config file that cannot be read counts as one."""
    common = _common_dir(git_dir)
    for path in dict.fromkeys((common / "config", common / "config.worktree",
                               git_dir / "config.worktree")):
        try:
            text = path.read_bytes().lower()
        except FileNotFoundError:
            continue
        except OSError:
            return True
        if b"filter" in text or b"include" in text:
            return True
    return False


def find_git_dir(start: Path) -> tuple[Path | None, Path | None]:
    """(.git directory, work tree) for `start`, following a `.git` file (worktrees,
    submodules)."""
    for folder in (start.resolve(), *start.resolve().parents):
        marker = folder / ".git"
        if marker.is_dir():
            return marker, folder
        if marker.is_file():
            try:
                text = marker.read_text(encoding="utf-8", errors="replace")[:4096]
            except OSError:
                return None, None
            match = re.match(r"gitdir:\s*(.+)", text.strip())
            if match:
                target = Path(match.group(1).strip())
                return (target if target.is_absolute() else folder / target), folder
            return None, None
    return None, None


def read_head(git_dir: Path) -> tuple[str | None, str | None]:
    """(commit, branch) from HEAD, loose refs and packed-refs; branch None when detached.

    On failure: (None, reason)."""
    common = _common_dir(git_dir)
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None, "HEAD could not be read"
    if _OBJECT_ID.match(head):
        return head, None
    match = re.match(r"ref:\s*(refs/\S+)$", head)
    if not match or ".." in match.group(1):
        return None, "HEAD is not a commit or a ref"
    ref = match.group(1)
    branch = ref.removeprefix("refs/heads/")
    for folder in dict.fromkeys((git_dir, common)):
        loose = folder / ref
        if loose.is_file():
            value = loose.read_text(encoding="utf-8", errors="replace").strip()
            if _OBJECT_ID.match(value):
                return value, branch
    packed = common / "packed-refs"
    if packed.is_file():
        for line in packed.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split(" ", 1)
            if len(parts) == 2 and parts[1] == ref and _OBJECT_ID.match(parts[0]):
                return parts[0], branch
    return None, f"branch {branch} has no commit yet"


def _common_dir(git_dir: Path) -> Path:
    """A linked worktree's refs live in the main repository (its `commondir`)."""
    marker = git_dir / "commondir"
    if marker.is_file():
        target = Path(marker.read_text(encoding="utf-8", errors="replace").strip())
        return target if target.is_absolute() else (git_dir / target).resolve()
    return git_dir


def remote_url(git_dir: Path) -> str | None:
    """`remote.origin.url` from the repository's config, credentials removed."""
    config = _common_dir(git_dir) / "config"
    try:
        text = config.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    section = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.strip("[]").replace('"', "").split()
            continue
        if section == ["remote", "origin"]:
            match = re.match(r"url\s*=\s*(\S+)", stripped)
            if match:
                return strip_credentials(match.group(1))
    return None


def strip_credentials(url: str) -> str:
    """`https://user:token@host/x` -> `https://host/x`; other forms through redact()."""
    parts = urlsplit(url)
    if parts.scheme and "@" in parts.netloc:
        host = parts.netloc.rsplit("@", 1)[1]
        user = parts.netloc.rsplit("@", 1)[0].split(":", 1)[0]
        # `ssh://git@host` names the login, not a secret; anything else could be a token.
        netloc = f"{user}@{host}" if parts.scheme == "ssh" and ":" not in \
            parts.netloc.rsplit("@", 1)[0] else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return redact(url)


def _git(work_tree: Path, args: list[str]) -> GitRun:
    """git started with nothing from the scanned repository able to run a program."""
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("GIT_")}
    environment.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
                        "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0",
                        "GIT_EXTERNAL_DIFF": "", "GIT_PAGER": "cat", "LC_ALL": "C"})
    hardening = ["-c", "core.fsmonitor=false", "-c", f"core.hooksPath={os.devnull}",
                 "-c", "core.untrackedCache=false", "-c", "diff.external=",
                 "-c", "core.pager=cat", "-c", "protocol.allow=never",
                 "-c", "status.submoduleSummary=false"]
    return GitRun(["git", "--no-pager", "-C", str(work_tree), *hardening, *args], environment)


class GitRun:
    """One git process, its output and errors read whole under a deadline.

    Started with os.posix_spawnp rather than subprocess: importing subprocess (threading,
    selectors, locale) took 4 ms of every warm scan, in the process whose git states the
    report waits for. As subprocess runs it: standard input from /dev/null, SIGPIPE and
    SIGXFSZ back to their defaults, no descriptor of this process but the three standard
    streams (Python opens its own close-on-exec; those it inherited open are closed), and
    OSError when git cannot be started (FileNotFoundError: no git on PATH). Where there is
    no posix_spawnp (Windows), subprocess runs it after all."""

    def __init__(self, argv: list[str], environment: dict[str, str]) -> None:
        self.returncode: int | None = None
        self._process: Any = None
        if not hasattr(os, "posix_spawnp"):  # Windows: subprocess itself
            import subprocess

            self._process = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                             env=environment)
            self.pid = self._process.pid
            return
        import signal

        output, output_end = os.pipe()
        errors, errors_end = os.pipe()
        try:
            # posix_spawnp searches this process's PATH: the environment given keeps it.
            self.pid = os.posix_spawnp(
                argv[0], argv, environment,
                file_actions=[*((os.POSIX_SPAWN_CLOSE, end) for end in _inheritable()),
                              (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                              (os.POSIX_SPAWN_DUP2, output_end, 1),
                              (os.POSIX_SPAWN_DUP2, errors_end, 2)],
                setsigdef=(signal.SIGPIPE, signal.SIGXFSZ))
        except BaseException:
            os.close(output)
            os.close(errors)
            raise
        finally:
            os.close(output_end)
            os.close(errors_end)
        self._ends = (output, errors)
        self._open = {output, errors}
        self._read: dict[int, list[bytes]] = {output: [], errors: []}

    def poll(self) -> int | None:
        """The exit code once the process has ended (not waiting for it), else None."""
        if self._process is not None:
            self.returncode = self._process.poll()
        elif self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def output(self, timeout: float) -> tuple[str, str] | None:
        """(output, errors) once the process has ended; None when that took longer than
        `timeout` seconds (the process is killed)."""
        if self._process is not None:
            return self._communicate(timeout)
        import select
        import time

        deadline = time.monotonic() + timeout
        while self._open:  # both pipes read to their end: git cannot block on a full one
            left = deadline - time.monotonic()
            ready = select.select(list(self._open), [], [], left)[0] if left > 0 else []
            if not ready:
                self._kill()
                return None
            for end in ready:
                chunk = os.read(end, 1 << 16)
                if chunk:
                    self._read[end].append(chunk)
                else:
                    self._open.discard(end)
                    os.close(end)
        while self.poll() is None:  # its pipes closed: it is ending
            if time.monotonic() > deadline:
                self._kill()
                return None
            time.sleep(0.0005)
        output, errors = (b"".join(self._read[end]).decode("utf-8", "replace")
                          for end in self._ends)
        return output, errors

    def _communicate(self, timeout: float) -> tuple[str, str] | None:
        import subprocess

        try:
            output, errors = self._process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
            self.returncode = self._process.returncode
            return None
        self.returncode = self._process.returncode
        return output.decode("utf-8", "replace"), errors.decode("utf-8", "replace")

    def _kill(self) -> None:
        import signal

        for end in self._open:
            os.close(end)
        self._open.clear()
        if self.returncode is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])


def _inheritable() -> list[int]:
    """The descriptors above the standard three that a spawned process would inherit: those
    this process was given open (a shell's, a CI runner's), which subprocess closes too."""
    try:
        names = os.listdir("/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd")
    except OSError:
        return []
    found = []
    for name in names:
        try:
            if int(name) > 2 and os.get_inheritable(int(name)):
                found.append(int(name))
        except (OSError, ValueError):  # the listing's own descriptor, closed since
            continue
    return found
