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
a process that died, means the parent reads that input (or everything) itself.

When the report carries provenance, the process then works out the git state of each
scanned root (linter.git_state.GitStates: reading `.git`, running a hardened
`git status`) and sends it as a second answer, which the report takes at its end: the
parent no longer spends ~7 ms before the scan starting git. Git is run exactly as the
parent would run it, and a missing second answer means the parent asks git itself.
Besides its pipe, the process writes only the inputs' stamps (linter.input_stamps, after
both answers, and only when an input was read), and it is killed if the command ends
first.
"""

from __future__ import annotations

import marshal
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.pipes import read_exactly, write_all

if TYPE_CHECKING:
    from collections.abc import Callable

    from linter.discover import Discovery, PathFilter
    from linter.input_facts import InputRead


@dataclass
class AheadResult:
    """The forked process's first answer: the discovery and each input as read."""

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
    """The forked process and, once asked for, its answers (None: do it in the parent):
    the discovery and reads first, then, when `git_roots` are given, their git states
    (linter.git_state.GitStates), worked out after the first answer is sent."""

    def __init__(self, arguments: DiscoveryArguments,
                 git_roots: tuple[Path, ...] = ()) -> None:
        self.arguments = arguments
        self.git = AheadGitStates(self, git_roots) if git_roots else None
        # Work for the parent while it would otherwise wait for the first answer.
        self.meanwhile: Callable[[], None] | None = None
        self._answer: AheadResult | None = None
        self._asked = False
        self._answered = False  # every answer read: the process has nothing more to send
        self._reaped = False
        read_end, write_end = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the forked process: it never returns into the command
            status = 70
            try:
                os.close(read_end)
                _answer(arguments, git_roots, write_end)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self._read_end = read_end

    @classmethod
    def start(cls, arguments: DiscoveryArguments,
              git_roots: tuple[Path, ...] = ()) -> ScanAhead | None:
        if not hasattr(os, "fork"):
            return None
        # What both processes need, imported before the fork: the parent imports it for
        # the scan anyway, and the forked process starts discovering at once.
        # Not linter.provenance: the process needs it after its first answer, the parent
        # at the report's end, and importing it here held back both by 3 ms.
        import linter.code_fingerprint
        import linter.discover
        import linter.input_stamps  # noqa: F401 - and linter.input_facts, linter.cache

        try:
            return cls(arguments, git_roots)
        except OSError:  # no process to spare: the parent does it all, as before
            return None

    def result(self) -> AheadResult | None:
        """The first answer, waited for (once); None when the process failed or died."""
        if not self._asked:
            self._asked = True
            if self.meanwhile is not None:
                self.meanwhile()
            packed = self._message()
            try:
                self._answer = None if packed is None else _unpacked(packed)
            except (AttributeError, ValueError, TypeError):
                self._answer = None
            if self._answer is None:  # the process failed: nothing more is coming
                self._end(kill=True)
            elif self.git is None:
                self._answered = True
        return self._answer

    def git_answer(self) -> list[dict[str, Any]] | None:
        """The second answer (the git states of the roots it was given), waited for;
        None when there is none (the process failed, or was given no roots)."""
        if not self._asked:
            self.result()  # the first answer comes first on the pipe
        if self._reaped or self._answered:
            return None
        states = self._message()
        self._answered = True
        if type(states) is not list or not all(type(state) is dict for state in states):
            return None
        return states

    def close(self) -> None:
        """Ends the process: waited for once it gave every answer (it may be storing the
        inputs' stamps, linter.input_stamps), killed while it still owes one (the command
        stopped early)."""
        self._asked = True
        self._end(kill=not self._answered)

    def _message(self) -> Any:
        """The next message on the pipe (length first), or None at its end or on an error."""
        try:
            header = read_exactly(self._read_end, _LENGTH.size)
            data = read_exactly(self._read_end, _LENGTH.unpack(header)[0])
            # Our own forked process's bytes, never a file's or another user's.
            return marshal.loads(data)  # noqa: S302
        except (OSError, EOFError, ValueError, TypeError, struct.error):
            return None

    def _end(self, kill: bool = False) -> None:
        if self._reaped:
            return
        self._reaped = True
        try:
            os.close(self._read_end)
            if kill:
                import signal

                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
        except OSError:
            pass


class AheadGitStates:
    """The git states a ScanAhead works out, as linter.provenance.collect takes them
    (`result()`); worked out here, in the parent, when its process gave none."""

    def __init__(self, ahead: ScanAhead, roots: tuple[Path, ...]) -> None:
        self._ahead = ahead
        self._roots = roots

    def result(self) -> list[dict[str, Any]]:
        states = self._ahead.git_answer()
        if states is None or len(states) != len(self._roots):
            from linter.git_state import GitStates

            states = GitStates(list(self._roots)).result()
        return states


_LENGTH = struct.Struct(">Q")


def _send(write_end: int, value: Any) -> None:
    # marshal, not pickle: the messages are tuples, text, bytes and numbers (a value of
    # another type raises here, and the parent does the work itself), both ends are one
    # interpreter, and the parent need not import pickle.
    data = marshal.dumps(value)
    write_all(write_end, _LENGTH.pack(len(data)) + data)


def _answer(arguments: DiscoveryArguments, git_roots: tuple[Path, ...],
            write_end: int) -> None:
    # Imported here, in the forked process: the parent forks before it loads them.
    from linter import cache
    from linter.cache import RESULT_CACHE_VARIABLE
    from linter.discover import PathFilter, discover

    found = discover(list(arguments.paths), arguments.root,
                     PathFilter(arguments.root, arguments.skip_patterns, arguments.gitignore))
    answer = AheadResult(found)
    stamps = None
    if os.environ.get(RESULT_CACHE_VARIABLE) != "off" and cache.cache_directory() is not None:
        from linter.code_fingerprint import code_fingerprint
        from linter.input_stamps import InputStamps

        answer.code_fingerprint = code_fingerprint()
        # An input unchanged since a run before is not read again (linter.input_stamps).
        stamps = InputStamps.recall(answer.code_fingerprint, arguments.paths, arguments.root)
        answer.reads = {source.display_path: read
                        for source in found.files
                        if (read := stamps.read(source.path, source.display_path)) is not None}
    _send(write_end, _packed(answer))
    if git_roots:  # after the answer the scan waits for: provenance needs these at its end
        from linter.git_state import GitStates

        _send(write_end, GitStates(list(git_roots)).result())
    os.close(write_end)
    if stamps is not None:  # last: the parent needs neither answer to wait for it
        stamps.store()


def _packed(answer: AheadResult) -> tuple[Any, ...]:
    """The answer as tuples, text and bytes: what marshal carries."""
    found = answer.discovery
    return ([(str(source.path), source.display_path, source.kind) for source in found.files],
            [(problem.path, problem.reason, problem.level, problem.line)
             for problem in found.problems], found.ignored, found.skipped,
            {name: tuple(read) for name, read in answer.reads.items()}, answer.code_fingerprint)


def _unpacked(packed: tuple[Any, ...]) -> AheadResult:
    from linter.discover import Discovery, FileProblem, SourceFile
    from linter.input_facts import InputRead

    files, problems, ignored, skipped, reads, fingerprint = packed
    return AheadResult(
        Discovery([SourceFile(Path(path), shown, kind) for path, shown, kind in files],
                  [FileProblem(*problem) for problem in problems], ignored, skipped),
        {name: InputRead._make(read) for name, read in reads.items()}, fingerprint)
