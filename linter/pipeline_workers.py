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
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from linter import dependencies
from linter.discover import FileProblem
from linter.engine import Outcome, Rule

if TYPE_CHECKING:
    from concurrent.futures import Future

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


def _process_context() -> Any:
    import multiprocessing

    return multiprocessing.get_context("fork")


def _alone(function: Callable[[_Work], _Done], work: _Work) -> _Done | None:
    """`function(work)` in a process of its own; None if that process dies too."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=_process_context()) as pool:
        try:
            return _merged(pool.submit(_recorded, function, work).result())
        except Exception:
            return None


def _in_processes(items: list[_Work], function: Callable[[_Work], _Done], workers: int,
                  again_alone: Callable[[_Work], Iterator[_Done]]) -> Iterator[_Done]:
    """`function` over `items` in forked workers, results in item order. When a worker
    dies the pool is broken: finished items count, each unfinished one is done again by
    `again_alone`, and items not yet submitted go to a fresh pool."""
    # Imported here: a scan too small for workers (a pre-commit run) never loads them.
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.reduction import ForkingPickler

    ForkingPickler.register(Rule, _reduce_rule)
    _rules_by_id.clear()
    if "request" in _state:  # parsing sends no rule
        _rules_by_id.update((rule.id, rule) for rule in _state["request"].rules)
    position = 0
    while position < len(items):
        pending: list[tuple[_Work, Future[Any]]] = []
        broken: list[tuple[_Work, Future[Any] | None]] = []
        with ProcessPoolExecutor(max_workers=workers, mp_context=_process_context()) as pool:
            for item in items[position:]:
                try:
                    pending.append((item, pool.submit(_recorded, function, item)))
                except Exception:  # broken while submitting: the rest go to a fresh pool
                    break
            for index, (_, future) in enumerate(pending):
                try:
                    done = _merged(future.result())
                except Exception:  # BrokenProcessPool: a worker died with this item
                    broken = list(pending[index:])
                    break
                position += 1
                yield done
        if not pending:  # no pool could take any work: each item alone
            broken = [(item, None) for item in items[position:]]
        for item, future in broken:
            position += 1
            finished = _result_of(future)
            if finished is not None:
                yield finished
            else:
                yield from again_alone(item)


def _result_of(future: Future[Any] | None) -> Any:
    if future is None or not future.done() or future.cancelled() \
            or future.exception() is not None:
        return None
    return _merged(future.result())


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
