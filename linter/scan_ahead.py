"""Discovery and the reading of every input, in a process forked as the scan command starts.

Until a scan knows its inputs, the parent spends ~45 ms on things that do not depend on
them (the report's and the pipeline's imports, the configuration, the rules, starting
git) and then ~35 ms walking the folders and reading each input once for the result
cache's key (linter.scan_cache), the input facts and the code's fingerprint. Both are
serial, on one core of at least two. Here the second half runs in a forked process
beside the first: the parent takes its answer where it would have discovered and read
(pipeline.scan, ScanCache.for_request), and a warm run over four module repositories
ends ~30 ms sooner, a cold one as much before its workers start.

The answer is data: the Discovery (files, problems, skipped counts), and for each file
its stat before it was read, its SHA-256 and size, and the facts linter.input_facts keeps
(computed by the same functions). It stands for discovery only when the scan asks for
exactly the paths, root and filter it was started with; an input it could not read, or
a process that died, means the parent reads that input (or everything) itself. The
process writes nothing anywhere but its pipe, and is killed if the command ends first.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from linter.discover import Discovery, PathFilter
    from linter.input_facts import InputRead


@dataclass
class AheadResult:
    discovery: Discovery
    reads: dict[str, InputRead] = field(default_factory=dict)  # by display path
    code_fingerprint: bytes | None = None


@dataclass(frozen=True)
class DiscoveryArguments:
    """What discovery depends on: the scan's paths, root and filter settings."""

    paths: tuple[Path, ...]
    root: Path
    skip_patterns: tuple[str, ...]
    gitignore: bool

    def matches(self, paths: list[Path], root: Path, path_filter: PathFilter | None) -> bool:
        return path_filter is not None and tuple(paths) == self.paths and root == self.root \
            and path_filter.skip_patterns == self.skip_patterns \
            and path_filter.gitignore == self.gitignore


class ScanAhead:
    """The forked process and, once asked for, its answer (None: do it in the parent)."""

    def __init__(self, arguments: DiscoveryArguments) -> None:
        self.arguments = arguments
        self._answer: AheadResult | None = None
        self._asked = False
        read_end, write_end = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the forked process: it never returns into the command
            status = 70
            try:
                os.close(read_end)
                _answer(arguments, write_end)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self._read_end = read_end

    @classmethod
    def start(cls, arguments: DiscoveryArguments) -> ScanAhead | None:
        if not hasattr(os, "fork"):
            return None
        try:
            return cls(arguments)
        except OSError:  # no process to spare: the parent does it all, as before
            return None

    def result(self) -> AheadResult | None:
        """The answer, waited for (once); None when the process failed or died."""
        if not self._asked:
            self._asked = True
            chunks = []
            try:
                with os.fdopen(self._read_end, "rb") as pipe:
                    while chunk := pipe.read(1 << 20):
                        chunks.append(chunk)
                _, status = os.waitpid(self._pid, 0)
                if status == 0 and chunks:
                    # Our own forked process's bytes, never a file's or another user's.
                    self._answer = _unpacked(pickle.loads(b"".join(chunks)))  # noqa: S301
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError,
                    TypeError):
                self._answer = None
        return self._answer

    def close(self) -> None:
        """Ends the process if its answer was never asked for (the command stopped early)."""
        if self._asked:
            return
        self._asked = True
        import signal

        try:
            os.close(self._read_end)
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
        except OSError:
            pass


def _answer(arguments: DiscoveryArguments, write_end: int) -> None:
    # Imported here, in the forked process: the parent forks before it loads them.
    from linter import cache
    from linter.discover import PathFilter, discover
    from linter.scan_cache import RESULT_CACHE_VARIABLE

    found = discover(list(arguments.paths), arguments.root,
                     PathFilter(arguments.root, arguments.skip_patterns, arguments.gitignore))
    answer = AheadResult(found)
    if os.environ.get(RESULT_CACHE_VARIABLE) != "off" and cache.cache_directory() is not None:
        from linter.code_fingerprint import code_fingerprint
        from linter.input_facts import read_input

        answer.reads = {source.display_path: read
                        for source in found.files
                        if (read := read_input(source.path, source.display_path)) is not None}
        answer.code_fingerprint = code_fingerprint()
    data = pickle.dumps(_packed(answer), pickle.HIGHEST_PROTOCOL)
    with os.fdopen(write_end, "wb") as pipe:
        pipe.write(data)


def _packed(answer: AheadResult) -> tuple[Any, ...]:
    """The answer as tuples and text: objects by the thousand pickle slowly."""
    found = answer.discovery
    return ([(str(source.path), source.display_path, source.kind) for source in found.files],
            found.problems, found.ignored, found.skipped,
            {name: tuple(read) for name, read in answer.reads.items()}, answer.code_fingerprint)


def _unpacked(packed: tuple[Any, ...]) -> AheadResult:
    from linter.discover import Discovery, SourceFile
    from linter.input_facts import InputRead

    files, problems, ignored, skipped, reads, fingerprint = packed
    return AheadResult(
        Discovery([SourceFile(Path(path), shown, kind) for path, shown, kind in files],
                  problems, ignored, skipped),
        {name: InputRead._make(read) for name, read in reads.items()}, fingerprint)
