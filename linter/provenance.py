"""Where a result came from: when, by which tool and rules, over which exact inputs.

Evidence for 164.316(b) documentation: an auditor must be able to tell that a report
describes a given commit of the configuration, judged by a given rule catalogue, so
every input is named with its SHA-256, every scanned root with its git commit and
whether the work tree differed from it, and the rule files with one digest.

The roots' git states come from linter.git_state, which reads git without executing
anything a scanned repository configures.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter import __version__
from linter.redaction import MASK, holds_credential, redact

if TYPE_CHECKING:
    import datetime

    from linter.git_state import GitStates

_CHUNK = 1 << 20


def utc_now() -> int:
    """Now, in nanoseconds since the epoch: what `timestamp` writes. Not a datetime:
    importing datetime (its pure-Python module runs before the C one replaces it) took
    1.2 ms of every run that carries provenance."""
    return time.time_ns()


def timestamp(moment: int | datetime.datetime) -> str:
    """ISO 8601 in UTC with a Z, as SARIF's startTimeUtc wants it: from nanoseconds since
    the epoch (utc_now), or from an aware datetime."""
    if isinstance(moment, int):
        seconds, nanoseconds = divmod(moment, 1_000_000_000)
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) \
            + f".{nanoseconds // 1000:06d}Z"
    import datetime

    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def collect(*, started: int | datetime.datetime, finished: int | datetime.datetime,
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
    if git is None:
        from linter.git_state import GitStates

        git = GitStates(roots)
    states = git.result()
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
