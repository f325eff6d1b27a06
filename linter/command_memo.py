"""The scan command's options remembered by command line: a command run again skips typer.

Importing typer and building the scan command from its signature take ~40 ms of every
run, a quarter of a repeated (warm) scan of four module repositories. What typer makes of
a command line depends only on that line, the EPHI_LINT_* variables (each option's own)
and the code that declares the options, so once typer has parsed a scan line, its
ScanOptions are stored under a key over exactly those; the next run of the same line
finds them before typer is imported (linter.launch) and goes straight to
linter.scan_command. A line not found is parsed by typer in a forked process, which sends
the options to the console script's process as the same data (`hand_over`).

Kept out: a command line that gives Terraform variables or CloudFormation parameters (a
value there may be a password, and entries are files), and anything but `scan` (other
commands are rare and short). Completion (`_EPHI_LINT_COMPLETE`) always goes to typer.

Entries decide what a scan does (a stored --exclude-rule or --soft-fail changes its
verdict), so they follow the result cache's security model: JSON decoded field by field
into ScanOptions (never a pickle), sealed with their key and payload digest, read and
written through linter.cache (no symlink followed, private folders and files), and never
used from a cache folder inside a path the command line names or the git work tree around
it. Anything that does not match exactly is a miss: typer parses the line as usual.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from linter import __version__

NAMESPACE = "commands"
FORMAT = "ephi-lint-command-1"
_MAGIC = FORMAT.encode() + b"\n"
MAX_COMMAND_ENTRIES = 64
COMPLETION_VARIABLE = "_EPHI_LINT_COMPLETE"
# The modules whose code decides what typer makes of a scan command line.
_DECLARING_MODULES = ("cli.py", "cli_scan.py", "cli_options.py", "cli_params.py",
                      "scan_options.py", "command_memo.py")
_PACKAGE = Path(__file__).parent

# The command line linter.cli.main is running and its key (set by `begin`, before the
# command can change the environment: --debug sets EPHI_LINT_DEBUG): what `remember`
# stores the parsed options under. None in a process that did not start from a command
# line (a test invoking the typer app), which then stores nothing.
_pending: tuple[list[str], str] | None = None


def begin(arguments: list[str]) -> None:
    """Mark `arguments` (sys.argv[1:]) as the command line this process runs."""
    global _pending
    _pending = None
    try:
        if _folder(arguments) is not None:
            _pending = (list(arguments), _key(arguments))
    except Exception:  # noqa: BLE001 - remembering is an optimisation, never an error
        _pending = None


def remember(options: Any) -> bool:
    """Store the scan's parsed options (linter.scan_options.ScanOptions) under the command
    line `begin` named; False when not stored (no command line, caching off, a value kept
    out, an unsafe or refused folder). Never raises."""
    global _pending
    pending, _pending = _pending, None
    if pending is None or options.variables or options.cfn_parameters:
        return False
    arguments, key = pending
    try:
        return _store(arguments, key, options)
    except Exception:  # noqa: BLE001 - as above
        return False


def _store(arguments: list[str], key: str, options: Any) -> bool:
    from linter import cache

    directory = _folder(arguments)
    if directory is None or _inside_scanned(directory, arguments, options.paths):
        return False
    try:
        payload = json.dumps({"format": FORMAT, "key": key, "options": _encoded(options)},
                             allow_nan=False, separators=(",", ":")).encode()
    except (TypeError, ValueError):
        return False  # a value JSON does not hold (an infinite --max-file-size)
    written = cache.write_bytes(directory, (NAMESPACE, key[:2], key),
                                cache.sealed_pieces(_MAGIC, key, (payload,)))
    if written:
        cache.prune(NAMESPACE, MAX_COMMAND_ENTRIES)
    return written


# In a process that parses a command line for its parent (linter.launch): the pipe the
# parsed options go to, instead of being run here.
_delivery: int | None = None


def deliver_to(descriptor: int) -> None:
    """Make `hand_over` send the scan's options to `descriptor` (a pipe's write end)."""
    global _delivery
    _delivery = descriptor


def hand_over(options: Any) -> bool:
    """In a process that parses for its parent: send `options` there and close the pipe;
    True when sent (the command then ends here), False in any other process."""
    global _delivery
    descriptor, _delivery = _delivery, None
    if descriptor is None:
        return False
    from linter.pipes import write_all

    # NaN and infinity travel as JSON's extensions: --max-file-size refuses them later.
    try:
        write_all(descriptor, json.dumps(_encoded(options), separators=(",", ":")).encode())
    finally:
        os.close(descriptor)
    return True


def handed_over(data: bytes) -> Any:
    """The ScanOptions `hand_over` sent as `data`, or None."""
    try:
        return _decoded(json.loads(data))
    except Exception:  # noqa: BLE001 - a pipe cut short: the parent parses itself
        return None


def recall(arguments: list[str]) -> Any:
    """The ScanOptions stored for the command line `arguments`, or None (a miss: typer
    parses it). Never raises."""
    try:
        directory = _folder(arguments)
        if directory is None:
            return None
        from linter import cache

        key = _key(arguments)
        data = cache.read_bytes(directory, (NAMESPACE, key[:2], key))
        payload = None if data is None else cache.unsealed(_MAGIC, key, data)
        if payload is None:
            return None
        document = json.loads(payload)
        if type(document) is not dict or document.get("format") != FORMAT \
                or document.get("key") != key:
            return None
        options = _decoded(document.get("options"))
        if options is None or _inside_scanned(directory, arguments, options.paths):
            return None
        return options
    except Exception:  # noqa: BLE001 - whatever an entry holds, it is a miss
        return None


def _folder(arguments: list[str]) -> Path | None:
    if arguments[:1] != ["scan"] or COMPLETION_VARIABLE in os.environ \
            or not hasattr(os, "getuid"):
        return None
    from linter import cache

    return cache.cache_directory()


def _key(arguments: list[str]) -> str:
    from linter.digests import add_framed

    digest = hashlib.sha256()
    add_framed(digest, FORMAT.encode(), __version__.encode(), sys.version.encode(),
               sys.executable.encode("utf-8", "surrogateescape"))
    for name in _DECLARING_MODULES:
        add_framed(digest, _stat_text(_PACKAGE / name))
    add_framed(digest, _stat_text(_typer_file()))
    for argument in arguments:
        add_framed(digest, argument.encode("utf-8", "surrogateescape"))
    add_framed(digest, b"environment")
    for name, value in sorted(os.environ.items()):
        if name.startswith("EPHI_LINT_"):
            add_framed(digest, name.encode("utf-8", "surrogateescape"),
                       value.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _stat_text(path: Path | None) -> bytes:
    """A file's size and modification time (an edit, a reinstall or an upgrade changes
    them, as Python's own bytecode check relies on), or a marker for none."""
    if path is None:
        return b"absent"
    try:
        information = os.stat(path)
    except OSError:
        return b"absent"
    return f"{path} {information.st_size} {information.st_mtime_ns}".encode(
        "utf-8", "surrogateescape")


def _typer_file() -> Path | None:
    """typer's own main module, found without importing typer (its version decides how a
    line is parsed)."""
    for folder in sys.path:
        candidate = Path(folder or ".") / "typer" / "main.py"
        if candidate.is_file():
            return candidate
    return None


def _inside_scanned(directory: Path, arguments: list[str], paths: list[str]) -> bool:
    """Whether the cache folder is inside a path the command line names (every argument
    that is an existing path, the value after an option's `=` too) or the scan's paths,
    or the git work tree around one: a scanned repository must never supply the options
    it is scanned with."""
    from linter import cache

    named = [Path(path) for path in paths if path != "-"]
    for argument in arguments[1:]:
        for text in {argument, argument.partition("=")[2]}:
            if text and text != "-" and os.path.lexists(text):
                named.append(Path(text))
    return cache.placed_inside(directory, named) is not None


# --- options as data --------------------------------------------------------------------
# Each ScanOptions field by its annotation: how it is stored (JSON) and read back. A
# field of any other annotation fails the tests (tests/test_command_memo.py).


def _text(value: Any) -> str:
    if type(value) is not str:
        raise TypeError("not text")
    return value


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise TypeError("not a flag")
    return value


def _number(value: Any) -> float:
    if type(value) not in (int, float) or type(value) is bool:
        raise TypeError("not a number")
    return float(value)


def _count(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("not a count")
    return value


def _optional(read: Any) -> Any:
    return lambda value: None if value is None else read(value)


def _listed(read: Any) -> Any:
    def items(value: Any) -> list[Any]:
        if type(value) is not list:
            raise TypeError("not a list")
        return [read(item) for item in value]
    return items


def _path(value: Any) -> Path:
    return Path(_text(value))


_READERS = {
    "str": _text, "str | None": _optional(_text), "list[str]": _listed(_text),
    "bool": _flag, "bool | None": _optional(_flag), "float": _number,
    "int | None": _optional(_count), "Path | None": _optional(_path),
    "list[Path]": _listed(_path),
}


def _stored(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_stored(item) for item in value]
    return value


def _encoded(options: Any) -> dict[str, Any]:
    import dataclasses

    return {field.name: _stored(getattr(options, field.name))
            for field in dataclasses.fields(options)}


def _decoded(stored: Any) -> Any:
    import dataclasses

    from linter.scan_options import ScanOptions

    fields = dataclasses.fields(ScanOptions)
    if type(stored) is not dict or set(stored) != {field.name for field in fields}:
        return None
    return ScanOptions(**{field.name: _READERS[str(field.type)](stored[field.name])
                          for field in fields})
