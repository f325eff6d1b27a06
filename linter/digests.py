"""SHA-256 digests over several parts, each framed by its length: no two different lists
of parts feed the same bytes (b"ab", b"c" against b"a", b"bc"). Used by every key and
fingerprint (the caches, the source index, the rule catalogue, the code's fingerprint)."""

from __future__ import annotations

import os
from typing import Any


def add_framed(digest: Any, *parts: bytes) -> None:
    """Each part, its length (8 bytes, big-endian) first, into `digest` (a hashlib hash)."""
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)


# How old a file's modification and change times must be before its stats (device,
# inode, size, both times) may stand for its digest, as the rule catalogue's stamps and
# the inputs' (linter.input_stamps) let them: well past the coarsest clock tick of a
# local file system, so that a write within one tick of the stats taken cannot go unseen.
SETTLED_NS = 5_000_000_000

# (device, inode, size, modification time, change time), in nanoseconds.
Stats = tuple[int, int, int, int, int]


def stats_of(information: os.stat_result) -> Stats:
    """The stats that stand for a file's bytes once settled (see SETTLED_NS)."""
    return (information.st_dev, information.st_ino, information.st_size,
            information.st_mtime_ns, information.st_ctime_ns)
