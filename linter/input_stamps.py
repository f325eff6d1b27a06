"""Each input's digest and facts remembered by its stats, so that a scan run again reads
only the inputs that changed.

A warm scan of four module repositories read and digested its 341 inputs on every run
(12 ms of linter.scan_ahead's forked process, whose answer the parent then waited for)
only to find them unchanged. As git's index and Python's bytecode check do, an input
whose stats are exactly those it had when it was last read (device, inode, size,
modification and change time: a change time cannot be set back, and it moves with every
write, rename and `touch`) is taken to hold the same bytes; any other stat is a miss and
the input is read. A file is remembered only once it is older than a few seconds
(linter.digests.SETTLED_NS), so that a write within one tick of the file system's clock,
after the stat this run took, cannot go unseen.

One entry per scanned paths, root and code (the code fingerprint: the facts are what this
code finds in the bytes), in the cache folder, as JSON decoded field by field and sealed
with its key and payload digest (linter.cache). An entry decides which bytes a scan is
taken to have judged, so it follows the result cache's rules: never read from or written
to a cache folder inside a scanned path or the git work tree around one, and anything
that does not decode exactly is a miss.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from linter import cache, digests
from linter.digests import Stats, stats_of
from linter.input_facts import InputRead, read_input

NAMESPACE = "input-stamps"
FORMAT = "ephi-lint-input-stamps-1"
_MAGIC = FORMAT.encode() + b"\n"
MAX_ENTRIES = 64


class InputStamps:
    """The inputs of one scan as last read (`read` answers from them when an input's
    stats are unchanged), and what this run read, to remember (`store`)."""

    def __init__(self, directory: Path | None, key: str | None,
                 known: dict[str, tuple[Stats, InputRead]]) -> None:
        self._directory = directory
        self._key = key
        self._known = known
        self._seen: dict[str, tuple[Stats, InputRead]] = {}
        self._read_again = False

    @classmethod
    def recall(cls, fingerprint: bytes, paths: tuple[Path, ...], root: Path
               ) -> InputStamps:
        """The stamps stored for a scan of `paths` from `root` by the code `fingerprint`
        (none: every input is read)."""
        directory = cache.cache_directory()
        if directory is None or not hasattr(os, "getuid") \
                or cache.placed_inside(directory, list(paths)) is not None:
            return cls(None, None, {})
        key = cache.content_key(FORMAT.encode(), fingerprint,
                                str(root).encode("utf-8", "surrogateescape"),
                                *(str(path).encode("utf-8", "surrogateescape")
                                  for path in paths))
        data = cache.read_bytes(directory, (NAMESPACE, key[:2], key))
        payload = None if data is None else cache.unsealed(_MAGIC, key, data)
        return cls(directory, key, {} if payload is None else _decoded(payload))

    def read(self, path: Path, display_path: str) -> InputRead | None:
        """The input's stat, digest and facts (linter.input_facts.read_input): remembered
        when its stats are unchanged, else read. None when it cannot be read."""
        try:
            information = os.stat(path)
        except OSError:
            self._read_again = True
            return read_input(path, display_path)
        stats = stats_of(information)
        known = self._known.get(display_path)
        if known is not None and known[0] == stats:
            read = known[1]._replace(stat=(information.st_size, information.st_mtime_ns))
        else:
            self._read_again = True
            read = read_input(path, display_path, information)
        if read is not None:
            self._seen[display_path] = (stats, read)
        return read

    def store(self) -> bool:
        """Remember this run's inputs (those settled) when any was read or is gone;
        False when nothing needed writing or it could not be written. Never raises."""
        if self._directory is None or self._key is None \
                or not (self._read_again or self._seen.keys() != self._known.keys()):
            return False
        settled = time.time_ns() - digests.SETTLED_NS
        files = [[name, *stats, read.digest.hex(), read.size, read.marked, read.plan,
                  read.calls_listed, None if read.calls is None else sorted(read.calls)]
                 for name, (stats, read) in self._seen.items()
                 if stats[3] < settled and stats[4] < settled]
        try:
            payload = json.dumps({"format": FORMAT, "files": files},
                                 separators=(",", ":")).encode("utf-8", "surrogateescape")
        except (TypeError, ValueError, UnicodeEncodeError):
            return False
        written = cache.write_bytes(self._directory, (NAMESPACE, self._key[:2], self._key),
                                    cache.sealed_pieces(_MAGIC, self._key, (payload,)))
        if written:
            cache.prune(NAMESPACE, MAX_ENTRIES)
        return written


def _decoded(payload: bytes) -> dict[str, tuple[Stats, InputRead]]:
    """An entry's inputs by display path; empty when anything in it is not as stored."""
    try:
        document = json.loads(payload)
        if type(document) is not dict or document.get("format") != FORMAT:
            return {}
        known = {}
        for item in document["files"]:
            name, device, inode, size, modified, changed, digest, length, marked, plan, \
                calls_listed, calls = item
            stats = (device, inode, size, modified, changed)
            if type(name) is not str or not all(type(number) is int
                                                for number in (*stats, length)) \
                    or not all(type(flag) is bool for flag in (marked, plan, calls_listed)) \
                    or not (calls is None or type(calls) is list
                            and all(type(call) is str for call in calls)):
                return {}
            read = InputRead((size, modified), _digest(digest), length, marked, plan,
                             None if calls is None else frozenset(calls), calls_listed)
            known[name] = (stats, read)
        return known
    except (ValueError, TypeError, KeyError):
        return {}


def _digest(text: Any) -> bytes:
    if type(text) is not str or len(text) != 64:
        raise ValueError("not a SHA-256")
    return bytes.fromhex(text)
