"""One scan: discover -> parse -> resolve -> adapt -> evaluate (resolve and adapt are in
linter.pipeline_adapt).

One bad value, resource or file never blinds the rest: a file that cannot be read or
parsed, a resource whose evaluation or model building crashes, a module call that
cannot be followed, each becomes a problem at its path (and line) with the reason, and
everything else is judged. A scan that judged nothing is an error too (CI must not pass
while scanning nothing), except for a part of a larger scan (pre-commit, a shard).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from linter import cache, dependencies
from linter.discover import (
    DEFAULT_MAX_FILE_BYTES,
    FileProblem,
    PathFilter,
    SourceFile,
    discover,
    display_path,
)
from linter.engine import Outcome, Rule
from linter.input_facts import InputFacts
from linter.scan_cache import ScanCache, fill
from linter.scan_variables import CommandLineVariables

# Parsing, resolving and judging load when a scan does them: a repeated scan whose result
# is stored (linter.scan_cache) imports none of the parsers, resolvers and adapters.
if TYPE_CHECKING:
    from linter.parsing import ParseJob
    from linter.pipeline_stream import ScanStream
    from linter.suppress import Policy

INPUT_FORMATS = ("terraform", "cloudformation", "kubernetes")


@dataclass
class ScanRequest:
    """What one scan judges and how: paths, rules, limits, variables and filters."""

    paths: list[Path]
    root: Path
    rules: list[Rule]
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    stdin_text: str | None = None  # `-` as a path: one document read from standard input
    stdin_format: str | None = None
    workers: int | None = None  # parser processes; None: one per core (up to 8)
    # Terraform: --var/--var-file layers and TF_VAR_ environment values.
    command_line_variables: CommandLineVariables = field(default_factory=CommandLineVariables)
    environment: dict[str, str] = field(default_factory=dict)
    # CloudFormation: --cfn-param / --cfn-param-file values, for every template.
    cloudformation_parameters: dict[str, Any] = field(default_factory=dict)
    # Parts of a larger scan, where judging nothing is fine: pre-commit's changed files
    # (none of them need be infrastructure) and one shard (it may get no file at all).
    changed_files: bool = False
    sharded: bool = False
    # .gitignore and --skip-path (None: every file found is scanned).
    path_filter: PathFilter | None = None
    # The formats judged (linter.parsing.FRAMEWORKS); None: all of them.
    frameworks: frozenset[str] | None = None
    # Outcomes hold the judged model itself, not a reference (linter.live.drift reads the
    # models back); such a scan's result is never stored.
    keep_models: bool = False
    # Called once the inputs are known, before any is read: the command line starts there
    # what runs beside the scan (git status, linter.git_state.GitStates.advance).
    after_discovery: Callable[[], None] | None = None
    # Discovery and the inputs' reading, done in a forked process as the command started
    # (linter.scan_ahead.ScanAhead); used where it was made for exactly these paths.
    ahead: Any = None


@dataclass
class ScanResult:
    """What a scan found: the outcomes, the problems and the counts."""

    rules: list[Rule]
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files_scanned: int = 0
    files_unrecognised: int = 0
    resources: int = 0
    seconds: float = 0.0
    # The files read (path on disk, path as displayed), for the provenance's digests.
    inputs: list[tuple[Path, str]] = field(default_factory=list)
    # Each input's SHA-256 (hex) and size by display path, if read once already.
    input_digests: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Paths left out on purpose, by reason (".gitignore", "--skip-path", "--framework"):
    # counted in the summary, never dropped silently.
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[FileProblem]:
        return [problem for problem in self.problems if problem.level == "error"]

    @property
    def unscanned(self) -> list[FileProblem]:
        """What could not be judged, errors first, in path and line order: each problem
        has `path`, `line` (None: the whole file) and `reason` (`where` is path:line)."""
        return sorted(self.problems, key=lambda problem: (
            problem.level != "error", problem.path, problem.line or 0, problem.reason))


def scan(request: ScanRequest, policy: Policy | None = None) -> ScanResult:
    """`policy` (from the configuration) picks the files and applies the documented
    exceptions (inline suppressions, waivers) after evaluation."""
    started = time.perf_counter()
    result = ScanResult(rules=request.rules)
    sources: list[tuple[Path | None, str]] = []
    discovered = selected = 0
    files: list[SourceFile] = []
    ahead = request.ahead.result() if request.ahead is not None and \
        request.ahead.arguments.matches(request.paths, request.root, request.path_filter) \
        else None
    if request.paths:
        found = ahead.discovery if ahead is not None else \
            discover(request.paths, request.root, request.path_filter)
        result.skipped.update(found.skipped)
        discovered = len(found.files)
        if policy is not None:
            found.files = policy.select_files(found.files)
        files = _framework_files(found.files, request, result)
        selected = len(files)
        sources = [(source.path, source.display_path) for source in files]
        result.inputs = list(sources)
        result.problems.extend(found.problems)
        refused = cache.refuse_inside(request.paths)
        if refused is not None:
            result.problems.append(FileProblem("parse cache", refused, "warning"))
    if request.after_discovery is not None:
        request.after_discovery()
    facts = InputFacts()
    scan_cache = ScanCache.for_request(request, result.inputs, facts, ahead)
    result.input_digests = scan_cache.input_digests
    first_problem, skipped_before = len(result.problems), dict(result.skipped)
    cached = scan_cache.load(request)
    if cached is not None:  # the same inputs, code, rules and options: the same result
        fill(result, cached)
    else:
        with dependencies.recording(scan_cache.dependencies if scan_cache.key else None):
            _parse_and_judge(files, request, result, facts if facts.digested else None)
        scan_cache.store(result, first_problem, skipped_before)
    # Nothing judged means no outcome and no other problem: it goes last.
    nothing = _nothing_judged(request, result, discovered, selected)
    if nothing is not None:
        result.problems.append(nothing)
    if policy is not None:
        if request.stdin_text is not None:
            sources.append((None, "stdin"))
        result.outcomes = policy.apply(result.outcomes, sources, request.stdin_text,
                                       facts.marked if facts.digested else None)
    # The same problem found twice (two builders of one resource crashing alike) is
    # reported once.
    result.problems = list(dict.fromkeys(result.problems))
    result.seconds = time.perf_counter() - started
    return result


def _parse_and_judge(files: list[SourceFile], request: ScanRequest, result: ScanResult,
                     facts: InputFacts | None = None) -> None:
    # Imported where a scan parses (here and below): a scan whose result the result
    # cache holds needs none of the worker machinery.
    from linter import pipeline_workers
    from linter.parsing import parse_stdin
    from linter.pipeline_stream import ScanStream, framework_outcome

    stdin_outcome = None
    if request.stdin_text is not None:
        stdin_outcome = parse_stdin(request.stdin_text, request.stdin_format,
                                    request.max_file_bytes)
    terraform_on_stdin = stdin_outcome is not None and stdin_outcome[1] == "terraform"
    workers = pipeline_workers.worker_count(request.workers)
    parallel = workers > 1 and len(files) >= _worker_min_files() \
        and pipeline_workers.fork_available()
    terraform_files = sum(1 for source in files if source.kind in _TERRAFORM_KINDS)
    # Workers judge whole components, in discovery order; the parent streams by folder.
    whole_tree = parallel or terraform_on_stdin or terraform_files < _stream_min_files()
    linked = set() if whole_tree else _linked_folders(files)
    order = list(range(len(files))) if whole_tree else _stream_order(files, linked)
    stream = ScanStream(request, result, linked, whole_tree, workers if parallel else 1)
    if stdin_outcome is not None:  # first: a plan on stdin decides how Terraform is held
        stream.add(len(files), framework_outcome(stdin_outcome, request, result))
    if parallel:
        _parse_and_judge_in_workers(files, stream, workers, terraform_on_stdin, facts)
    else:
        _parse_into(stream, files, order, request.workers)
    stream.finish()


def _parse_into(stream: ScanStream, files: list[SourceFile], indexes: list[int],
                workers: int | None) -> None:
    """The files at `indexes` parsed in that order, each outcome added to `stream`."""
    from linter.parsing import parse_each
    from linter.pipeline_stream import framework_outcome

    request = stream.request
    jobs = [_job(files[index], request) for index in indexes]
    for index, outcome in zip(indexes, parse_each(jobs, workers)):
        stream.add(index, framework_outcome(outcome, request, stream.result))


# A scan with fewer Terraform files than this is judged as a whole (holding every parse
# model costs little there, and reading the files twice to find module calls would cost
# more than it saves); larger ones stream (linter.pipeline_stream).
STREAM_MIN_FILES = 400
# Overrides it (0: always stream), so CI and benchmarks/corpora.py can hold the streamed
# scan to the whole-tree one on real repositories, not only on the tests' trees.
STREAM_VARIABLE = "EPHI_LINT_STREAM_MIN_FILES"


def _stream_min_files() -> int:
    configured = os.environ.get(STREAM_VARIABLE, "")
    return int(configured) if configured.isdigit() else STREAM_MIN_FILES


# Overrides pipeline_workers.UNIT_MIN_FILES (0: workers for any scan), for the same reason.
WORKERS_VARIABLE = "EPHI_LINT_WORKER_MIN_FILES"


def _worker_min_files() -> int:
    from linter import pipeline_workers

    configured = os.environ.get(WORKERS_VARIABLE, "")
    return int(configured) if configured.isdigit() else pipeline_workers.UNIT_MIN_FILES


_TERRAFORM_KINDS = ("terraform", "terraform_json")
_STAGE_OF_KIND = {"document": 0, "pem": 0, "tfvars": 1, "terraform": 2, "terraform_json": 2}


def _stream_order(files: list[SourceFile], linked: set[str]) -> list[int]:
    """The order files are parsed in, as indexes into `files`: documents and PEM files,
    then variables files, then Terraform folder by folder, the `linked` folders first
    (see linter.pipeline_stream)."""

    def place(index: int) -> tuple[int, int, str, str]:
        source = files[index]
        folder = str(PurePosixPath(source.display_path).parent)
        stage = _STAGE_OF_KIND.get(source.kind, 0)
        if stage == 2 and folder not in linked:
            stage = 3
        return stage, 0 if stage < 2 else 1, folder if stage >= 2 else "", \
            source.display_path

    return sorted(range(len(files)), key=place)


_MODULE_WORD = b"module"


def _linked_folders(files: list[SourceFile]) -> set[str]:
    """Folders holding a Terraform file that mentions `module`: only these can call
    another folder. Read as bytes, without parsing; a file that cannot be read counts
    (its folder is then judged with the whole tree's, as before streaming)."""
    linked: set[str] = set()
    for source in files:
        folder = str(PurePosixPath(source.display_path).parent)
        if source.kind not in _TERRAFORM_KINDS or folder in linked:
            continue
        try:
            with source.path.open("rb") as handle:
                if _MODULE_WORD in handle.read():
                    linked.add(folder)
        except OSError:
            linked.add(folder)
    return linked


def _framework_files(files: list[SourceFile], request: ScanRequest,
                     result: ScanResult) -> list[SourceFile]:
    if request.frameworks is None:
        return files
    from linter.parsing import may_hold
    from linter.pipeline_stream import count_skipped

    kept = [source for source in files if may_hold(source.kind, request.frameworks)]
    count_skipped(result, "--framework", len(files) - len(kept))
    return kept


def _job(source: SourceFile, request: ScanRequest) -> ParseJob:
    return source.path, source.display_path, source.kind, request.max_file_bytes


_DOCUMENT_KINDS = ("document", "pem")


def _parse_and_judge_in_workers(files: list[SourceFile], stream: ScanStream, workers: int,
                                terraform_on_stdin: bool, facts: InputFacts | None) -> None:
    """A large scan, spread over worker processes (linter.pipeline_workers) that read,
    parse and judge files and send back only outcomes: each Terraform component (folders
    linked by module calls, linter.terraform_components) goes to one worker whole, and the
    YAML/JSON documents and PEM files in runs of UNIT_FILES.

    A component too large to leave to one worker (over its share of the Terraform) is
    parsed by the workers and judged by the parent, its roots spread over workers too
    (ScanStream.judge_rest). So is all Terraform when a plan may be among the files or on
    standard input: a plan decides how the whole scan's Terraform is judged."""
    from linter import pipeline_workers
    from linter.terraform_components import components, may_be_plan

    request = stream.request
    documents = [(index, _job(source, request)) for index, source in enumerate(files)
                 if source.kind in _DOCUMENT_KINDS]
    terraform = [index for index, source in enumerate(files)
                 if source.kind not in _DOCUMENT_KINDS]
    plan_possible = terraform_on_stdin or any(
        files[index].path.name.lower().endswith(".json")
        and (files[index].display_path in facts.plans if facts is not None
             else may_be_plan(files[index].path, request.max_file_bytes))
        for index, _ in documents)
    alone: list[list[int]] = []
    held = terraform  # in discovery order
    if not plan_possible:
        by_folder: dict[str, list[int]] = {}
        for index in terraform:
            by_folder.setdefault(str(PurePosixPath(files[index].display_path).parent),
                                 []).append(index)
        groups = [[index for folder in component for index in by_folder[folder]]
                  for component in components(
                      [(files[index].display_path, files[index].kind, files[index].path)
                       for index in terraform], request.max_file_bytes,
                      None if facts is None else facts.calls)]
        share = max(pipeline_workers.UNIT_FILES, -(-len(terraform) // workers))
        alone = [group for group in groups if len(group) <= share]
        held = sorted(index for group in groups if len(group) > share for index in group)
    # Largest first (by bytes: a file's parse and judgement cost follows its size), so no
    # worker is left with a large component at the end.
    alone.sort(key=lambda group: sum(_size(files[index].path) for index in group), reverse=True)
    units = _bundled([[(index, _job(files[index], request)) for index in sorted(group)]
                      for group in alone]) + _bundled([[entry] for entry in documents])
    for unit in pipeline_workers.judge_units(units, request, workers):
        stream.merge_unit(unit)
    if held:
        _parse_into(stream, files, held, workers)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _bundled(pieces: list[list[tuple[int, ParseJob]]]) -> list[list[list[tuple[int, ParseJob]]]]:
    """Pieces (a Terraform component, a document) put together into units of about
    UNIT_FILES files; a piece is never split."""
    from linter import pipeline_workers

    units: list[list[list[tuple[int, ParseJob]]]] = []
    current: list[list[tuple[int, ParseJob]]] = []
    size = 0
    for piece in pieces:
        if current and size + len(piece) > pipeline_workers.UNIT_FILES:
            units.append(current)
            current, size = [], 0
        current.append(piece)
        size += len(piece)
    if current:
        units.append(current)
    return units


def _nothing_judged(request: ScanRequest, result: ScanResult, discovered: int,
                    selected: int) -> FileProblem | None:
    """The error for a scan that judged no file, or None: a mistyped path, an empty
    folder, an `exclude` that covers everything, only non-infrastructure YAML/JSON."""
    if result.files_scanned or result.errors or request.changed_files:
        return None  # judged something, failed already, or a pre-commit run of no IaC
    if request.stdin_text is not None and not request.paths:
        return FileProblem("stdin", "nothing was judged: standard input holds no "
                                    f"{request.stdin_format or 'infrastructure'} document")
    # The scan root shows as "."; name it as the user typed it (`scan /srv/empty`).
    label = ", ".join(str(path) if display_path(path, request.root) == "." else
                      display_path(path, request.root) for path in request.paths)
    if not discovered:
        return FileProblem(label, "nothing was judged: no infrastructure files found under "
                                  f"{label}")
    if request.sharded:
        return None  # this shard got no file, or none of its files is infrastructure
    if result.skipped.get("--framework"):
        chosen = ", ".join(sorted(request.frameworks or ()))
        return FileProblem(label, f"nothing was judged: none of the files found under {label} "
                                  f"({_files(discovered)}) is of the selected frameworks "
                                  f"({chosen})")
    if not selected:
        return FileProblem(label, "nothing was judged: the configuration's exclude covers "
                                  f"every file found under {label} ({_files(discovered)})")
    return FileProblem(label, f"nothing was judged: none of the files found under {label} "
                              f"({_files(selected)}) is Terraform, CloudFormation, Kubernetes "
                              "or a certificate")


def _files(count: int) -> str:
    return "1 file" if count == 1 else f"{count} files"
