"""Judging in worker processes: a large scan spreads parsing *and* judging over the cores.

Three kinds of work go to forked workers, the first two returning only what the report
needs (outcomes, problems, counts), never parse models:

- a *unit*: pieces judged on their own, read, parsed and judged in the worker: YAML and
  JSON documents and PEM files, or whole Terraform components, folders linked by module
  calls to no folder outside them (linter.terraform_components). The worker runs a
  ScanStream of its own over them, so they are judged exactly as in the parent;
- a *chunk of roots*: Terraform root modules whose files the parent holds (parsed already:
  a component too large for one worker), each evaluated with its module calls followed.
  The workers are forked once every file is parsed, so they share the parse models with
  the parent rather than receiving copies;
- a *chunk of files to parse*, the files of such a component: their parse models come
  back to the parent (linter.parsing.parse_each).

Workers are forked (POSIX), so they start in milliseconds with the rules loaded; where
fork does not exist, everything runs in the parent. A worker that dies (killed, out of
memory, a crash in a C extension) costs no result silently: its work is done again, each
document, component, root or file in a process of its own, and only what kills that
process too is reported, as an error naming it.
"""

from __future__ import annotations

import os
import pickle
import posixpath
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from linter import dependencies
from linter.discover import FileProblem
from linter.engine import Outcome, Rule
from linter.pipes import write_all

if TYPE_CHECKING:
    from linter.parsing import ParseJob

# Below this many files (or roots), forking workers costs more than it saves.
UNIT_MIN_FILES = 128
ROOTS_MIN = 4
# Files in one unit: enough to spread its cost, few enough to balance the workers.
UNIT_FILES = 48
# Files judged only with the rest of their folder.
_FOLDER_KINDS = ("terraform", "terraform_json", "tfvars")
# Chunks of roots per worker, so a slow root does not leave the other workers idle.
_CHUNKS_PER_WORKER = 4

_Bucket = tuple[list[Outcome], list[FileProblem]]
# A part of a unit judged on its own: a document, or a whole Terraform component
# (linter.terraform_components), as (file index, parse job) entries.
_Piece = list[tuple[int, "ParseJob"]]
_Work = TypeVar("_Work")
_Done = TypeVar("_Done")

# What a forked worker reads: set in the parent just before the pool forks. Never sent
# through a pipe, and never read from anywhere but the parent's own memory.
_state: dict[str, Any] = {}
# The parent's rules by id: an outcome names its rule across the pipe (see _rule_by_id).
_rules_by_id: dict[str, Rule] = {}


def _rule_by_id(rule_id: str) -> Rule:
    return _rules_by_id[rule_id]


def _reduce_rule(rule: Rule) -> tuple[Callable[[str], Rule], tuple[str]]:
    return _rule_by_id, (rule.id,)


def fork_available() -> bool:
    return hasattr(os, "fork")


def worker_count(requested: int | None) -> int:
    return requested if requested is not None else min(os.cpu_count() or 1, 8)


@dataclass
class UnitResult:
    """What a unit's ScanStream found: its parts go into the parent's stream in unit order."""

    parse_problems: list[tuple[int, FileProblem]] = field(default_factory=list)
    roots: dict[str, _Bucket] = field(default_factory=dict)
    folders: list[str] = field(default_factory=list)
    calls: dict[str, list[str]] = field(default_factory=dict)  # each folder's local calls
    library_problems: dict[str, list[FileProblem]] = field(default_factory=dict)  # by root
    document_buckets: list[_Bucket] = field(default_factory=list)
    pem_buckets: list[_Bucket] = field(default_factory=list)
    plans: list[Any] = field(default_factory=list)
    files_scanned: int = 0
    files_unrecognised: int = 0
    resources: int = 0
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass
class RootsResult:
    """What a worker sends back for the roots of one component it judged."""

    roots: list[tuple[str, _Bucket]] = field(default_factory=list)
    library_problems: dict[str, list[FileProblem]] = field(default_factory=dict)  # by root
    resources: int = 0


def judge_units(units: list[list[_Piece]], request: Any, workers: int
                ) -> Iterator[UnitResult]:
    """Each unit's result, in unit order."""
    _state.clear()
    _state["request"] = request
    yield from _in_processes(units, _judge_unit, workers, _judge_unit_alone)


# Files in one chunk of parsing: enough to spread the cost of sending each back.
_PARSE_CHUNK_FILES = 64


def parse_chunks(keyed: list[Any], workers: int) -> Iterator[Any]:
    """Each file's (parse outcome, newly cached) in order, parsed in chunks by worker
    processes (linter.parsing.parse_chunk), for a Terraform component too large for one
    worker (its parse models come back to the parent, which judges it). A file whose
    chunk's worker died is parsed again in a process of its own; if it kills that one
    too, it is the culprit, and an error."""
    from linter.parsing import parse_chunk

    _state.clear()
    size = max(1, min(_PARSE_CHUNK_FILES, len(keyed) // (workers * 4)))
    chunks = [keyed[start:start + size] for start in range(0, len(keyed), size)]
    for parsed in _in_processes(chunks, parse_chunk, workers, _parse_chunk_alone):
        yield from parsed


def _parse_chunk_alone(chunk: list[Any]) -> Iterator[list[Any]]:
    from linter.parsing import parse_alone_failed, parse_chunk

    for item in chunk:
        outcome = _alone(parse_chunk, [item])
        yield outcome if outcome is not None else [parse_alone_failed(item)]


def judge_roots(roots: list[str], state: dict[str, Any], workers: int
                ) -> Iterator[RootsResult]:
    """Chunks of roots judged by `state["judge"](roots) -> RootsResult` in forked
    workers that share the parent's parse models; results in root order. `state` holds
    the scan request (`state["request"]`) and whatever `judge` reads."""
    _state.clear()
    _state.update(state)
    size = max(1, -(-len(roots) // (workers * _CHUNKS_PER_WORKER)))
    chunks = [roots[start:start + size] for start in range(0, len(roots), size)]
    yield from _in_processes(chunks, _judge_root_chunk, workers, _judge_root_alone)


def _judge_unit(pieces: list[_Piece]) -> UnitResult:
    return unit_stream_result([entry for piece in pieces for entry in piece], _state["request"])


def unit_stream_result(entries: list[tuple[int, ParseJob]], request: Any) -> UnitResult:
    """A unit judged by a ScanStream of its own (in a worker, or in the parent)."""
    from linter.parsing import parse_uncached
    from linter.pipeline import ScanResult
    from linter.pipeline_stream import ScanStream, framework_outcome

    result = ScanResult(rules=request.rules)
    # A unit's folders are whole components (linter.terraform_components): no folder
    # outside it calls one of them or is called by one, so holding them all and judging
    # them together judges them as the whole scan would.
    stream = ScanStream(request, result, set(), whole_tree=True)
    for index, job in entries:
        stream.add(index, framework_outcome(parse_uncached(job), request, result))
    plans, stream.plans = stream.plans, []
    stream.judge_rest()
    return UnitResult(
        parse_problems=stream.parse_problems, roots=stream.roots, folders=stream.folders,
        calls=stream.held_calls(),
        library_problems=stream.library_problems, document_buckets=stream.document_buckets,
        pem_buckets=stream.pem_buckets, plans=plans, files_scanned=result.files_scanned,
        files_unrecognised=result.files_unrecognised, resources=result.resources,
        skipped=dict(result.skipped))


def _judge_unit_alone(pieces: list[_Piece]) -> Iterator[UnitResult]:
    """A unit whose worker died: each of its pieces (a document, or a Terraform component,
    judged only whole) again in a process of its own."""
    for piece in pieces:
        outcome = _alone(_judge_unit, [piece])
        if outcome is not None:
            yield outcome
            continue
        folders = {posixpath.dirname(job[1]) for _, job in piece}
        what = "this file" if len(piece) == 1 and piece[0][1][2] not in _FOLDER_KINDS \
            else "this file's folder" if len(folders) == 1 \
            else "this file's folder and the folders linked to it by module calls"
        yield UnitResult(parse_problems=[(index, FileProblem(
            job[1], f"the worker process stopped while judging {what} (killed, or out of "
                    "memory); not judged")) for index, job in piece])


def _judge_root_chunk(roots: list[str]) -> RootsResult:
    return _state["judge"](roots)


def _judge_root_alone(roots: list[str]) -> Iterator[RootsResult]:
    for root in roots:
        outcome = _alone(_judge_root_chunk, [root])
        if outcome is None:
            yield RootsResult(roots=[(root, ([], [FileProblem(
                root, "the worker process stopped while judging this Terraform root module "
                      "(killed, or out of memory); not judged")]))])
        else:
            yield outcome


def _alone(function: Callable[[_Work], _Done], work: _Work) -> _Done | None:
    """`function(work)` in a process of its own; None if that process dies too."""
    outcome = None
    for index, done in _ForkedPool([work], function, 1).results():
        outcome = None if index is None else done
    return outcome


def _in_processes(items: list[_Work], function: Callable[[_Work], _Done], workers: int,
                  again_alone: Callable[[_Work], Iterator[_Done]]) -> Iterator[_Done]:
    """`function` over `items` in forked workers, results in item order. An item whose
    worker died on it (or raised) is done again by `again_alone`; the other workers go
    on, and a worker that died is replaced while items are left."""
    _rules_by_id.clear()
    if "request" in _state:  # parsing sends no rule
        _rules_by_id.update((rule.id, rule) for rule in _state["request"].rules)
    finished: dict[int, Any] = {}
    failed: set[int] = set()
    position = 0
    for index, done in _ForkedPool(items, function, workers).results():
        if index is None:  # the worker died on (or raised for) the item numbered `done`
            failed.add(done)
        else:
            finished[index] = done
        while position in finished or position in failed:
            if position in failed:
                failed.discard(position)
                yield from again_alone(items[position])
            else:
                yield finished.pop(position)
            position += 1


# A worker's answer: a status and the length of the pickle that follows.
_HEADER = struct.Struct(">BQ")
_DONE, _FAILED = 0, 1
# The parent's word to a worker: an item's index, or _STOP.
_INDEX = struct.Struct(">I")
_STOP = 0xFFFFFFFF


class _ForkedPool:
    """Workers forked straight from the parent, each handed one item index at a time over
    a pipe of its own and answering with a pickle over another.

    The items are never sent: a forked worker has them in memory already. Neither
    concurrent.futures nor multiprocessing is loaded: their imports, thread and queues
    cost a four-repository scan 15 ms before the first item started, a tenth of the
    parent's time before the workers. A worker that exits or is killed reads as the end
    of its pipe: its item fails, and another worker is forked for the items left.
    """

    def __init__(self, items: list[Any], function: Callable[[Any], Any], workers: int) -> None:
        self.items = items
        self.function = function
        self.workers = max(1, min(workers, len(items)))
        self.next_item = 0
        # By the read end of its result pipe: each worker's pid, the write end of its task
        # pipe, the index of the item it works on (None once told to stop) and the bytes
        # of an answer read so far.
        self.running: dict[int, _Worker] = {}

    def results(self) -> Iterator[tuple[int | None, Any]]:
        """(item index, result) as items finish, in any order; (None, item index) for an
        item whose worker died on it or raised."""
        import selectors

        selector = selectors.DefaultSelector()
        try:
            while self.next_item < len(self.items) or self.running:
                while len(self.running) < self.workers and self.next_item < len(self.items):
                    selector.register(self._fork(), selectors.EVENT_READ)
                for key, _ in selector.select():
                    if key.fd not in self.running:
                        continue
                    answers, ended = self._read(key.fd)
                    if ended:
                        selector.unregister(key.fd)
                    yield from answers
        finally:
            selector.close()
            self._stop_all()

    def _fork(self) -> int:
        task_read, task_write = os.pipe()
        result_read, result_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: it never returns into the parent's code
            status = 70
            try:
                for end in (task_write, result_read, *_parent_ends):
                    os.close(end)
                _serve(self.items, self.function, task_read, result_write)
                status = 0
            finally:
                os._exit(status)
        os.close(task_read)
        os.close(result_write)
        _parent_ends.update((task_write, result_read))
        self.running[result_read] = _Worker(pid, task_write)
        self._hand_out(self.running[result_read])
        return result_read

    def _hand_out(self, worker: _Worker) -> None:
        if self.next_item < len(self.items):
            worker.item = self.next_item
            self.next_item += 1
            write_all(worker.tasks, _INDEX.pack(worker.item))
        else:
            worker.item = None
            write_all(worker.tasks, _INDEX.pack(_STOP))

    def _read(self, fd: int) -> tuple[list[tuple[int | None, Any]], bool]:
        """The answers complete in what `fd` has now, and whether its worker ended."""
        worker = self.running[fd]
        chunk = os.read(fd, 1 << 20)
        if not chunk:  # the worker ended: told to stop, or killed while on an item
            del self.running[fd]
            _close(fd, worker.tasks)
            os.waitpid(worker.pid, 0)
            return ([(None, worker.item)] if worker.item is not None else []), True
        answers: list[tuple[int | None, Any]] = []
        buffer = worker.buffer
        buffer += chunk
        while len(buffer) >= _HEADER.size:
            status, length = _HEADER.unpack_from(buffer)
            if len(buffer) < _HEADER.size + length:
                break
            payload = bytes(buffer[_HEADER.size:_HEADER.size + length])
            del buffer[:_HEADER.size + length]
            item = worker.item
            self._hand_out(worker)
            answers.append((item, _merged(pickle.loads(payload))) if status == _DONE
                           else (None, item))
        return answers, False

    def _stop_all(self) -> None:
        """Workers still running when the parent stops reading (an error in the parent,
        ^C) are killed: nothing else would end them."""
        import signal

        for fd, worker in self.running.items():
            _close(fd, worker.tasks)
            try:
                os.kill(worker.pid, signal.SIGKILL)
                os.waitpid(worker.pid, 0)
            except OSError:
                pass
        self.running.clear()


class _Worker:
    __slots__ = ("pid", "tasks", "item", "buffer")

    def __init__(self, pid: int, tasks: int) -> None:
        self.pid = pid
        self.tasks = tasks  # the write end of its task pipe
        self.item: int | None = None
        self.buffer = bytearray()


# Every pipe end a parent holds for its workers, of every pool (a worker of a nested pool,
# `_alone` while a pool runs, must not keep another pool's pipes open).
_parent_ends: set[int] = set()


def _serve(items: list[Any], function: Callable[[Any], Any], task_read: int,
           result_write: int) -> None:
    """A worker's loop: run the item whose index the parent sends, answer with its pickled
    result (rules by id: see _reduce_rule), until the parent sends _STOP or goes away."""
    import copyreg
    import io

    dispatch = dict(copyreg.dispatch_table)
    dispatch[Rule] = _reduce_rule
    with os.fdopen(task_read, "rb") as tasks:
        while True:
            header = tasks.read(_INDEX.size)
            if len(header) < _INDEX.size:
                return
            (index,) = _INDEX.unpack(header)
            if index == _STOP:
                return
            try:
                done = _recorded(function, items[index])
                buffer = io.BytesIO()
                pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
                pickler.dispatch_table = dispatch  # type: ignore[misc]
                pickler.dump(done)
                message = _HEADER.pack(_DONE, buffer.tell()) + buffer.getvalue()
            except Exception:  # the parent does the item again alone, as after a crash
                message = _HEADER.pack(_FAILED, 0)
            write_all(result_write, message)


def _close(*ends: int) -> None:
    for end in ends:
        _parent_ends.discard(end)
        try:
            os.close(end)
        except OSError:
            pass


def _recorded(function: Callable[[_Work], _Done], work: _Work
              ) -> tuple[_Done, list[tuple[str, str]]]:
    """In a worker: `function(work)`, and the paths it looked at outside the inputs
    (linter.dependencies) when the parent records them, for the parent's recorder."""
    if not dependencies.is_recording():
        return function(work), []
    recorder = dependencies.Dependencies()
    with dependencies.recording(recorder):
        done = function(work)
    return done, recorder.items()


def _merged(returned: tuple[_Done, list[tuple[str, str]]]) -> _Done:
    done, looked_at = returned
    dependencies.merge(looked_at)
    return done
