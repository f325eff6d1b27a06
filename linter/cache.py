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
Python's own `__pycache__`. The cache therefore lives in the user's cache folder, never
in a scanned repository, and is read only from a folder the user owns that no one else
may write to.
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


def load_object(namespace: str, key: str) -> Any:
    """The stored object, or None (missing, unreadable, or from an unsafe folder)."""
    folder = _private_directory(namespace)
    if folder is None:
        return None
    try:
        with open(folder / key[:2] / key, "rb") as stored:
            return pickle.load(stored)
    except Exception:  # a truncated or foreign entry is a miss, never an error
        return None


_prepared: set[Path] = set()


def store_object(namespace: str, key: str, value: Any) -> bool:
    """Store `value` atomically (a reader never sees half an entry); False if skipped."""
    directory = cache_directory()
    if directory is None:
        return False
    try:
        folder = directory / namespace / key[:2]
        if folder not in _prepared:  # once per folder and process: a cold scan writes many
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            for part in (directory, directory / namespace):
                part.chmod(stat.S_IMODE(part.stat().st_mode) & ~(stat.S_IWGRP | stat.S_IWOTH))
            _prepared.add(folder)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(handle, "wb") as written:
            pickle.dump(value, written, protocol=pickle.HIGHEST_PROTOCOL)
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

