"""Bytes through a pipe between ephi-lint's own processes (the forked workers, scan_ahead's
process, the process that parses a command line): all of them written, or exactly so many
read. Standard library only, so the console script's fast path can use it."""

from __future__ import annotations

import os


def write_all(descriptor: int, data: bytes) -> None:
    """`data` written whole: a pipe takes what fits in its buffer at each write."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]


def read_exactly(descriptor: int, size: int) -> bytes:
    """The next `size` bytes; EOFError when the writer ended before sending them."""
    chunks, left = [], size
    while left:
        chunk = os.read(descriptor, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the process ended before its answer")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
