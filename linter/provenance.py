"""Where a result came from: when, by which tool and rules, over which exact inputs.

Evidence for 164.316(b) documentation: an auditor must be able to tell that a report
describes a given commit of the configuration, judged by a given rule catalogue, so
every input is named with its SHA-256, every scanned root with its git commit and
whether the work tree differed from it, and the rule files with one digest.

Git is read without executing anything a scanned repository configures: the commit is
read from `.git` itself, and the dirty state comes from `git status` run with the
repository's filter drivers, fsmonitor, hooks and submodules switched off, system and
global configuration ignored, optional locks off (no index write) and a timeout. No git,
no repository, a refusal or a timeout: the reason is recorded, and the scan goes on.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from linter import __version__
from linter.redaction import MASK, holds_credential, redact

if TYPE_CHECKING:
    import subprocess

GIT_TIMEOUT_SECONDS = 10.0
_CHUNK = 1 << 20
_OBJECT_ID = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")  # SHA-1 or SHA-256 repositories


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def timestamp(moment: datetime.datetime) -> str:
    """ISO 8601 in UTC with a Z, as SARIF's startTimeUtc wants it."""
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def collect(*, started: datetime.datetime, finished: datetime.datetime,
            roots: Sequence[Path], inputs: Iterable[tuple[Path, str]],
            rule_directories: Sequence[Path], argv: Sequence[str],
            display_root: Path | None = None,
            live: Mapping[str, Any] | None = None,
            known_digests: Mapping[str, tuple[str, int]] | None = None,
            git: GitStates | None = None) -> dict[str, Any]:
    """The provenance record of one scan, as a plain JSON-ready dict.

    `inputs` are (path on disk, path as displayed) for every file the scan read;
    `live` (for `ephi-lint aws`) comes from live_context(); `git`: the roots' git states
    started before the scan (GitStates), else they are read now.
    """
    states = (git or GitStates(roots)).result()
    return {
        "tool": {"name": "ephi-lint", "version": __version__},
        "started": timestamp(started),
        "finished": timestamp(finished),
        "command_line": redact_command_line(argv),
        "working_directory": str(display_root) if display_root else None,
        "rules": rule_catalogue_digest(rule_directories),
        "roots": [{"path": _shown(root, display_root), "git": state}
                  for root, state in zip(roots, states)],
        "inputs": input_digests(inputs, known_digests),
        **({"live": dict(live)} if live else {}),
    }


def live_context(*, account_id: str | None, caller_arn: str | None, regions: Sequence[str],
                 services: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What a live scan read: `services` are {account, region, service, status
    ("read" | "not assessed" | "not offered"), reason} as the JSON `live` section lists them."""
    return {"account_id": account_id, "caller_arn": caller_arn, "regions": list(regions),
            "services_read": [dict(unit) for unit in services if unit.get("status") == "read"],
            "services_not_assessed": [dict(unit) for unit in services
                                      if unit.get("status") != "read"]}


# --- digests ------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def input_digests(inputs: Iterable[tuple[Path, str]],
                  known: Mapping[str, tuple[str, int]] | None = None) -> list[dict[str, Any]]:
    """[{path, sha256, bytes}] in path order; an unreadable file says why instead. `known`:
    digests and sizes already read by display path (the scan's result-cache key)."""
    records = []
    for path, shown in inputs:
        if known and shown in known:
            digest, size = known[shown]
            records.append({"path": shown, "sha256": digest, "bytes": size})
            continue
        try:
            records.append({"path": shown, "sha256": file_sha256(path),
                            "bytes": path.stat().st_size})
        except OSError as error:
            records.append({"path": shown, "sha256": None,
                            "error": error.strerror or type(error).__name__})
    return sorted(records, key=lambda record: record["path"])


def rule_catalogue_digest(directories: Sequence[Path]) -> dict[str, Any]:
    """One SHA-256 for the rules that judged the scan.

    Recomputable by hand: for every rule file (`*.yaml`, `*.yml`) in path order, the
    line `<path relative to its rules directory>  <sha256 of its bytes>\\n` (the
    `sha256sum` format), and the digest of those lines together.
    """
    from linter.catalogue import digested_already

    lines = []
    for directory in directories:
        loaded = digested_already(directory)  # the files the rules were loaded from
        if loaded is not None:
            lines.extend(f"{digest}  {relative}\n" for relative, digest in loaded)
            continue
        files = sorted(path for pattern in ("*.yaml", "*.yml")
                       for path in directory.rglob(pattern) if path.is_file())
        for path in files:
            lines.append(f"{file_sha256(path)}  {path.relative_to(directory).as_posix()}\n")
    lines.sort(key=lambda line: line.split("  ", 1)[1])
    return {"sha256": hashlib.sha256("".join(lines).encode()).hexdigest(),
            "files": len(lines),
            "directories": [directory.name for directory in directories]}


# --- git ----------------------------------------------------------------------------


def _shown(root: Path, display_root: Path | None) -> str:
    shown = root.as_posix()
    if display_root is not None:
        try:
            shown = root.resolve().relative_to(display_root.resolve()).as_posix() or "."
        except ValueError:
            pass
    return shown


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
        self.filters: subprocess.Popen[str] | None = None
        self.status: subprocess.Popen[str] | None = None
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

    def _run(self, args: list[str]) -> subprocess.Popen[str] | None:
        try:
            return _git(self.work_tree, args)
        except OSError as error:
            reason = "git is not installed" if isinstance(error, FileNotFoundError) \
                else f"git could not be started: {error.strerror or error}"
            self.done = {**self.found, "dirty": None, "reason": reason}
            return None

    def _output(self, process: subprocess.Popen[str], what: str) -> tuple[str, str] | None:
        import subprocess

        try:
            return process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            self.done = {**self.found, "dirty": None,
                         "reason": f"{what} took longer than {self.timeout:g}s"}
            return None

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


def _git(work_tree: Path, args: list[str]) -> subprocess.Popen[str]:
    """git started with nothing from the scanned repository able to run a program."""
    # Imported here: git runs in linter.scan_ahead's process, and only when a report
    # carries provenance.
    import subprocess

    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("GIT_")}
    environment.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
                        "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0",
                        "GIT_EXTERNAL_DIFF": "", "GIT_PAGER": "cat", "LC_ALL": "C"})
    hardening = ["-c", "core.fsmonitor=false", "-c", f"core.hooksPath={os.devnull}",
                 "-c", "core.untrackedCache=false", "-c", "diff.external=",
                 "-c", "core.pager=cat", "-c", "protocol.allow=never",
                 "-c", "status.submoduleSummary=false"]
    return subprocess.Popen(["git", "--no-pager", "-C", str(work_tree), *hardening, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=environment, stdin=subprocess.DEVNULL)


# --- the command line ---------------------------------------------------------------

# Options whose next argument is a value that may be a secret, whatever its look.
_SECRET_OPTIONS = re.compile(r"(?i)^--?[\w-]*(?:password|passwd|secret|token|api[_-]?key"
                             r"|access[_-]?key|credentials?)$")


def redact_command_line(argv: Sequence[str]) -> list[str]:
    """The arguments with secret-looking values masked: `--var db_password=...`,
    `--token VALUE`, `--api-key=VALUE`, credentials in URLs, known token shapes."""
    shown: list[str] = []
    hide_next = False
    for argument in argv:
        if hide_next:
            shown.append(MASK)
            hide_next = False
            continue
        option, equals, value = argument.partition("=")
        if option.startswith("-") and _SECRET_OPTIONS.match(option):
            if equals:
                shown.append(f"{option}={MASK}")
            else:
                shown.append(argument)
                hide_next = True
            continue
        name, equals, value = argument.partition("=")
        if equals and not name.startswith("-") and holds_credential(name):
            shown.append(f"{name}={MASK}")  # `--var NAME=VALUE`, `--cfn-param NAME=VALUE`
            continue
        shown.append(redact(argument))
    return shown


# --- SARIF --------------------------------------------------------------------------


def sarif_invocation(prov: Mapping[str, Any]) -> dict[str, Any]:
    """Fields for SARIF `runs[0].invocations[0]` (merged into the renderer's, which sets
    executionSuccessful and the notifications)."""
    arguments = list(prov.get("command_line") or [])
    invocation: dict[str, Any] = {
        "startTimeUtc": prov["started"],
        "endTimeUtc": prov["finished"],
        "properties": {
            "ruleCatalogueSha256": prov["rules"]["sha256"],
            "ruleFiles": prov["rules"]["files"],
            "inputs": len(prov.get("inputs", [])),
            **({"live": prov["live"]} if prov.get("live") else {}),
        },
    }
    if arguments:
        invocation["commandLine"] = " ".join(_quoted(argument) for argument in arguments)
        invocation["arguments"] = arguments[1:]
    return invocation


def sarif_version_control(prov: Mapping[str, Any]) -> list[dict[str, Any]]:
    """`runs[0].versionControlProvenance`: one entry per scanned root in a repository
    with a remote (SARIF requires repositoryUri as an absolute URI)."""
    entries = []
    seen = set()
    for root in prov.get("roots", []):
        git = root.get("git") or {}
        uri = _repository_uri(git.get("remote"))
        if not git.get("commit") or uri is None or (uri, git["commit"]) in seen:
            continue
        seen.add((uri, git["commit"]))
        entry: dict[str, Any] = {"repositoryUri": uri, "revisionId": git["commit"],
                                 "properties": {"dirty": git.get("dirty"),
                                                "root": root.get("path")}}
        if git.get("branch"):
            entry["branch"] = git["branch"]
        entries.append(entry)
    return entries


def sarif_artifacts(prov: Mapping[str, Any]) -> list[dict[str, Any]]:
    """`runs[0].artifacts` with each input's SHA-256 (SARIF `hashes`)."""
    return [{"location": {"uri": record["path"], "uriBaseId": "%SRCROOT%"},
             "length": record.get("bytes", -1),
             "hashes": {"sha-256": record["sha256"]}}
            for record in prov.get("inputs", []) if record.get("sha256")]


def _repository_uri(remote: str | None) -> str | None:
    if not remote:
        return None
    if re.match(r"^[a-z][a-z0-9+.-]*://", remote, re.IGNORECASE):
        return remote
    scp = re.match(r"^(?:(?P<user>[\w.-]+)@)?(?P<host>[\w.-]+):(?P<path>[^/].*)$", remote)
    if scp:  # git@github.com:org/repo.git
        user = f"{scp.group('user')}@" if scp.group("user") else ""
        return f"ssh://{user}{scp.group('host')}/{scp.group('path')}"
    return None  # a local path: not a URI an auditor could follow


def _quoted(argument: str) -> str:
    return argument if argument and not re.search(r"[\s\"'\\]", argument) else \
        '"' + argument.replace("\\", "\\\\").replace('"', '\\"') + '"'
