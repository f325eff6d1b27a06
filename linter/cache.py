"""A small on-disk cache of work that depends only on file content.

- `validated-rules`: marks for rule files that passed schema validation (importing
  jsonschema and validating the catalogue costs ~0.4 s, most of a pre-commit run).
- `parsed`: each scanned file's parse result (python-hcl2's Lark parser is most of a cold
  scan), so a re-run parses only the files that changed.

Entries are keyed by a hash of everything the result depends on (ephi-lint's version
included), so a stale entry cannot be hit; a cache that cannot be written is silently
skipped. `EPHI_LINT_CACHE_DIR` moves it (the tests point it at a temporary folder),
`EPHI_LINT_CACHE_DIR=off` disables it.

Parse results are stored with pickle, which runs code while loading: the same trust as
Python's own `__pycache__`. So an entry is loaded only when
- the cache folder is not inside a scanned path (`refuse_inside`: a cache folder in a
  checkout, a CI cache restored into it, could hold a committed entry);
- every folder on the way and the entry itself are opened without following symlinks, and
  the opened descriptors (not the paths, which another user could swap between a check
  and an open) belong to the user and are writable by no one else;
- the entry names the key it was stored under and the SHA-256 of its payload: a swapped,
  truncated or emptied entry is a miss, never a different file's result.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import tempfile
from pathlib import Path
from typing import Any

from linter import __version__


def cache_directory() -> Path | None:
    configured = os.environ.get("EPHI_LINT_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ephi-lint"


def content_key(*parts: bytes) -> str:
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def has_mark(namespace: str, key: str) -> bool:
    directory = cache_directory()
    return directory is not None and (directory / namespace / key).is_file()


def set_mark(namespace: str, key: str) -> None:
    directory = cache_directory()
    if directory is None:
        return
    try:
        (directory / namespace).mkdir(parents=True, exist_ok=True)
        (directory / namespace / key).touch()
    except OSError:
        pass  # a read-only home or a full disk must not fail the scan


# Pruned back to this many parse results (least recently written first) when a run adds
# entries beyond it: about 2 KB each, so the cache stays in the tens of megabytes.
MAX_PARSED_ENTRIES = 20_000


# Set by refuse_inside for this process (and the parser workers it forks).
_refused: str | None = None


def refuse_inside(scanned: list[Path]) -> str | None:
    """Switch the parse cache off for this run when its folder is inside a scanned path;
    the reason, or None when the cache is elsewhere (or off)."""
    global _refused
    directory = cache_directory()
    if directory is None:
        return None
    try:
        folder = directory.resolve()
        for path in scanned:
            root = path.resolve()
            if folder == root or root in folder.parents:
                _refused = (f"the parse cache {directory} is inside the scanned path {path}: "
                            "not used (a scanned repository must never supply cache entries)")
                return _refused
    except (OSError, RuntimeError):
        return None
    _refused = None
    return None


def _private_directory(namespace: str) -> Path | None:
    """The namespace folder, or None when it is not safe to load objects from it."""
    directory = cache_directory()
    if directory is None:
        return None
    folder = directory / namespace
    try:
        for part in (directory, folder):
            info = part.stat()
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None
    except (OSError, AttributeError):  # missing, or no getuid (Windows): no cache
        return None
    return folder


_MAGIC = b"ephi-lint-cache-1\n"
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def _private(descriptor: int, kind: int) -> bool:
    info = os.fstat(descriptor)
    return (stat.S_IFMT(info.st_mode) == kind and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _read_entry(directory: Path, parts: tuple[str, ...]) -> bytes | None:
    """The entry's bytes, opened folder by folder from `directory` without following a
    symlink, each opened descriptor checked; None when anything is not private."""
    opened: list[int] = []
    try:
        current = os.open(directory, os.O_RDONLY | _DIRECTORY | _NO_FOLLOW)
        opened.append(current)
        if not _private(current, stat.S_IFDIR):
            return None
        for part in parts[:-1]:
            current = os.open(part, os.O_RDONLY | _DIRECTORY | _NO_FOLLOW, dir_fd=current)
            opened.append(current)
            if not _private(current, stat.S_IFDIR):
                return None
        entry = os.open(parts[-1], os.O_RDONLY | _NO_FOLLOW, dir_fd=current)
        opened.append(entry)
        if not _private(entry, stat.S_IFREG):
            return None
        with os.fdopen(os.dup(entry), "rb") as stored:
            return stored.read()
    finally:
        for descriptor in opened:
            os.close(descriptor)


def _sealed(key: str, payload: bytes) -> bytes:
    return _MAGIC + key.encode() + hashlib.sha256(payload).digest() + payload


def load_object(namespace: str, key: str) -> Any:
    """The stored object, or None (missing, unreadable, from an unsafe folder, refused, or
    not the entry stored under this key)."""
    directory = cache_directory()
    if directory is None or _refused is not None or not hasattr(os, "getuid"):
        return None
    try:
        data = _read_entry(directory, (namespace, key[:2], key))
        if data is None:
            return None
        header = len(_MAGIC) + len(key)
        payload = data[header + 32:]
        if (data[:len(_MAGIC)] != _MAGIC or data[len(_MAGIC):header] != key.encode()
                or data[header:header + 32] != hashlib.sha256(payload).digest()):
            return None
        return pickle.loads(payload)
    except Exception:  # a truncated or foreign entry is a miss, never an error
        return None


_prepared: set[Path] = set()


def store_object(namespace: str, key: str, value: Any) -> bool:
    """Store `value` atomically (a reader never sees half an entry); False if skipped."""
    directory = cache_directory()
    if directory is None or _refused is not None:
        return False
    try:
        folder = directory / namespace / key[:2]
        if folder not in _prepared:  # once per folder and process: a cold scan writes many
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            for part in (directory, directory / namespace):
                part.chmod(stat.S_IMODE(part.stat().st_mode) & ~(stat.S_IWGRP | stat.S_IWOTH))
            _prepared.add(folder)
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(handle, "wb") as written:
            written.write(_sealed(key, payload))
        os.replace(temporary, folder / key)
        return True
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        return False


def prune(namespace: str, keep: int) -> int:
    """Delete the oldest entries beyond `keep`; the number deleted."""
    folder = _private_directory(namespace)
    if folder is None:
        return 0
    try:
        entries = [entry for shard in os.scandir(folder) if shard.is_dir()
                   for entry in os.scandir(shard.path) if entry.is_file()]
        if len(entries) <= keep:
            return 0
        entries.sort(key=lambda entry: entry.stat().st_mtime)
        for entry in entries[:len(entries) - keep]:
            os.unlink(entry.path)
        return len(entries) - keep
    except OSError:
        return 0

