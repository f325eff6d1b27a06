"""A small on-disk cache of work that depends only on file content.

Today it remembers which rule files passed schema validation (importing jsonschema and
validating the catalogue costs ~0.4 s, most of a pre-commit run). Entries are keyed by
a hash of everything the result depends on, so a stale entry cannot be hit; a cache
that cannot be written is silently skipped. `EPHI_LINT_CACHE_DIR` moves it (the tests
point it at a temporary folder), `EPHI_LINT_CACHE_DIR=off` disables it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

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
