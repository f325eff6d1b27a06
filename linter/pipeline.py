"""One scan: discover -> parse -> resolve -> adapt -> evaluate (resolve and adapt are in
linter.pipeline_adapt).

One bad value, resource or file never blinds the rest: a file that cannot be read or
parsed, a resource whose evaluation or model building crashes, a module call that
cannot be followed, each becomes a problem at its path (and line) with the reason, and
everything else is judged. A scan that judged nothing is an error too (CI must not pass
while scanning nothing), except for a part of a larger scan (pre-commit, a shard).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from linter import cache
from linter.discover import (
    DEFAULT_MAX_FILE_BYTES,
    FileProblem,
    PathFilter,
    SourceFile,
    discover,
    display_path,
)
from linter.engine import Evaluator, Outcome, Rule
from linter.parsing import ParseOutcome, may_hold, only_frameworks, parse_all, parse_stdin
from linter.pipeline_adapt import ParsedFiles, adapt
from linter.pipeline_adapt import bound_numbers as bound_numbers  # re-exported: tests use it
from linter.resolve.variables import CommandLineVariables

if TYPE_CHECKING:
    from linter.suppress import Policy

INPUT_FORMATS = ("terraform", "cloudformation", "kubernetes")


@dataclass
class ScanRequest:
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


@dataclass
class ScanResult:
    rules: list[Rule]
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files_scanned: int = 0
    files_unrecognised: int = 0
    resources: int = 0
    seconds: float = 0.0
    # The files read (path on disk, path as displayed), for the provenance's digests.
    inputs: list[tuple[Path, str]] = field(default_factory=list)
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
    parsed = ParsedFiles()
    sources: list[tuple[Path | None, str]] = []
    discovered = selected = 0
    if request.paths:
        found = discover(request.paths, request.root, request.path_filter)
        result.skipped.update(found.skipped)
        discovered = len(found.files)
        if policy is not None:
            found.files = policy.select_files(found.files)
        found.files = _framework_files(found.files, request, result)
        selected = len(found.files)
        sources = [(source.path, source.display_path) for source in found.files]
        result.inputs = list(sources)
        result.problems.extend(found.problems)
        jobs = [(source.path, source.display_path, source.kind, request.max_file_bytes)
                for source in found.files]
        refused = cache.refuse_inside(request.paths)
        if refused is not None:
            result.problems.append(FileProblem("parse cache", refused, "warning"))
        for outcome in parse_all(jobs, request.workers):
            _collect(_framework_outcome(outcome, request, result), parsed, result)
    if request.stdin_text is not None:
        outcome = parse_stdin(request.stdin_text, request.stdin_format, request.max_file_bytes)
        _collect(_framework_outcome(outcome, request, result), parsed, result)
    nothing = _nothing_judged(request, result, discovered, selected)
    if nothing is not None:
        result.problems.append(nothing)
    resources = adapt(parsed, result, request)
    result.resources = len(resources)
    result.outcomes = Evaluator(request.rules).evaluate(resources)
    if policy is not None:
        if request.stdin_text is not None:
            sources.append((None, "stdin"))
        result.outcomes = policy.apply(result.outcomes, sources, request.stdin_text)
    # The same problem found twice (two builders of one resource crashing alike) is
    # reported once.
    result.problems = list(dict.fromkeys(result.problems))
    result.seconds = time.perf_counter() - started
    return result


def _framework_files(files: list[SourceFile], request: ScanRequest,
                     result: ScanResult) -> list[SourceFile]:
    if request.frameworks is None:
        return files
    kept = [source for source in files if may_hold(source.kind, request.frameworks)]
    _count_skipped(result, "--framework", len(files) - len(kept))
    return kept


def _framework_outcome(outcome: ParseOutcome, request: ScanRequest,
                       result: ScanResult) -> ParseOutcome | None:
    if request.frameworks is None:
        return outcome
    kept = only_frameworks(outcome, request.frameworks)
    if kept is None:
        _count_skipped(result, "--framework", 1)
    return kept


def _count_skipped(result: ScanResult, reason: str, count: int) -> None:
    if count:
        result.skipped[reason] = result.skipped.get(reason, 0) + count


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


def _collect(outcome: ParseOutcome | None, parsed: ParsedFiles, result: ScanResult) -> None:
    if outcome is None:
        return  # left out by --framework after parsing, and counted
    display_path, kind, payload = outcome
    module_dir = str(PurePosixPath(display_path).parent)
    if kind == "pem" and isinstance(payload, FileProblem) and payload.level == "error":
        # A binary .cer/.der/.key (DER) is not text: noted, and not a failed scan.
        payload = FileProblem(display_path, f"{payload.reason}; only PEM text is judged",
                              "warning")
    if isinstance(payload, FileProblem):
        result.problems.append(payload)
        if payload.level != "error":
            result.files_unrecognised += 1
        return
    if payload is None:
        result.files_unrecognised += 1
        return
    if kind in ("terraform", "terraform_json"):
        parsed.terraform[module_dir].append(payload)
    elif kind == "tfvars":
        parsed.variables[module_dir][display_path] = payload
    elif kind == "tfplan":
        parsed.plans.append(payload)
    elif kind == "pem":
        parsed.pem_files.append((display_path, payload))
    else:
        parsed.documents.append((display_path, payload))
    result.files_scanned += 1
