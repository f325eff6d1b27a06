"""What a scan looked at outside its inputs: module folders outside the scan (their listing
and files), a module manifest or Chart.yaml found or not, files read by Terraform's file
functions. The result cache (linter.result_cache) stores their state with a result and
misses when one changed.

Code that reads such a path calls `read` or `looked_at`; both do nothing unless a scan is
recording (`recording`). A forked worker records into a recorder of its own and sends its
`items()` back with its results, which the parent adds with `merge`. Kept free of imports
so the readers (module library, file functions, discovery) can call it cheaply.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path


def file_digest(path: str) -> bytes | None:
    try:
        with open(path, "rb") as source:
            return hashlib.sha256(source.read()).digest()
    except OSError:
        return None


def dependency_digest(path: str) -> str:
    """What a scan saw at `path` outside its inputs: a file's SHA-256 (hex), a folder's
    listing (`folder:` and the SHA-256 of its sorted names: a module folder gains a file),
    or `absent` (a module folder or manifest that did not exist then, and may be created
    later)."""
    content = file_digest(path)
    if content is not None:
        return content.hex()
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return "absent" if not os.path.lexists(path) else "unreadable"
    listing = "\0".join(names).encode("utf-8", "surrogateescape")
    return "folder:" + hashlib.sha256(listing).hexdigest()


class Dependencies:
    """The paths one scan looked at outside its inputs. The first look at a path is what
    counts: the scan's result was made from it."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def read(self, path: str | Path, data: bytes) -> None:
        """A file the scan read: recorded by the bytes it got, not by what is there now."""
        self._seen.setdefault(os.path.abspath(path), hashlib.sha256(data).hexdigest())

    def looked_at(self, path: str | Path) -> None:
        """A file, folder (its listing) or absent path whose state the scan used."""
        where = os.path.abspath(path)
        if where not in self._seen:
            self._seen[where] = dependency_digest(where)

    def merge(self, items: Iterable[tuple[str, str]]) -> None:
        for where, digest in items:
            self._seen.setdefault(where, digest)

    def items(self) -> list[tuple[str, str]]:
        return sorted(self._seen.items())


_current: Dependencies | None = None


@contextlib.contextmanager
def recording(recorder: Dependencies | None) -> Iterator[Dependencies | None]:
    """Record into `recorder` while the block runs (None: record nothing)."""
    global _current
    previous, _current = _current, recorder
    try:
        yield recorder
    finally:
        _current = previous


def is_recording() -> bool:
    return _current is not None


def read(path: str | Path, data: bytes) -> None:
    if _current is not None:
        _current.read(path, data)


def looked_at(path: str | Path) -> None:
    if _current is not None:
        _current.looked_at(path)


def merge(items: Iterable[tuple[str, str]]) -> None:
    """What a worker looked at, into this process's recorder."""
    if _current is not None:
        _current.merge(items)
