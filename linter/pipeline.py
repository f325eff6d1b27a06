"""One scan: discover -> parse -> resolve -> adapt -> evaluate.

One bad value, resource or file never blinds the rest: a file that cannot be read or
parsed, a resource whose evaluation or model building crashes, a module call that
cannot be followed, each becomes a problem at its path (and line) with the reason, and
everything else is judged. A scan that judged nothing is an error too (CI must not pass
while scanning nothing), except for a part of a larger scan (pre-commit, a shard).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from linter.adapters import cloudformation as cloudformation_adapters
from linter.adapters import kubernetes as kubernetes_adapters
from linter.adapters import pem as pem_adapters
from linter.adapters import terraform as terraform_adapters
from linter.certificates import PemBlock
from linter.discover import (
    DEFAULT_MAX_FILE_BYTES,
    FileProblem,
    PathFilter,
    SourceFile,
    discover,
    display_path,
)
from linter.engine import Evaluator, Outcome, Rule
from linter.models.base import Resource
from linter.parsers.documents import ParsedDocuments
from linter.parsers.terraform import HclAttribute, TerraformFile
from linter.parsers.tfplan import TerraformPlan
from linter.parsing import ParseOutcome, may_hold, only_frameworks, parse_all, parse_stdin
from linter.resolve.cfn_foreach import LOOP_PREFIX
from linter.resolve.cloudformation import TemplateScope
from linter.resolve.terraform import ModuleScope
from linter.resolve.terraform_modules import ModuleLibrary, root_directories
from linter.resolve.tfplan import PlanResolver, SourceIndex
from linter.resolve.variables import CommandLineVariables, environment_layer, module_values
from linter.values import Branches, ConfigNode, Unknown

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


@dataclass
class _Parsed:
    terraform: dict[str, list[TerraformFile]] = field(default_factory=lambda: defaultdict(list))
    # module dir -> auto-loaded variables file path -> values
    variables: dict[str, dict[str, dict[str, HclAttribute]]] = field(
        default_factory=lambda: defaultdict(dict))
    documents: list[tuple[str, ParsedDocuments]] = field(default_factory=list)
    plans: list[TerraformPlan] = field(default_factory=list)
    # (.tf path, line, scope) of resource blocks a scanned plan judged: see _drop_planned.
    planned_declarations: set[tuple[str, int, str]] = field(default_factory=set)
    # .pem/.crt/.cer/.key files: (path, the PEM blocks found in the file).
    pem_files: list[tuple[str, list[PemBlock]]] = field(default_factory=list)


def scan(request: ScanRequest, policy: Policy | None = None) -> ScanResult:
    """`policy` (from the configuration) picks the files and applies the documented
    exceptions (inline suppressions, waivers) after evaluation."""
    started = time.perf_counter()
    result = ScanResult(rules=request.rules)
    parsed = _Parsed()
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
        for outcome in parse_all(jobs, request.workers):
            _collect(_framework_outcome(outcome, request, result), parsed, result)
    if request.stdin_text is not None:
        outcome = parse_stdin(request.stdin_text, request.stdin_format, request.max_file_bytes)
        _collect(_framework_outcome(outcome, request, result), parsed, result)
    nothing = _nothing_judged(request, result, discovered, selected)
    if nothing is not None:
        result.problems.append(nothing)
    resources = _adapt(parsed, result, request)
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
    label = ", ".join(display_path(path, request.root) for path in request.paths)
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


def _collect(outcome: ParseOutcome | None, parsed: _Parsed, result: ScanResult) -> None:
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


def _adapt(parsed: _Parsed, result: ScanResult, request: ScanRequest) -> list[Resource]:
    terraform = _adapt_terraform(parsed, result, request)
    plans = _adapt_plans(parsed, result, request)
    return [*_drop_planned(terraform, parsed), *plans, *_adapt_documents(parsed, result, request),
            *_adapt_pem(parsed, result)]


def _adapt_terraform(parsed: _Parsed, result: ScanResult,
                     request: ScanRequest) -> list[Resource]:
    """Each root module directory is evaluated with its module calls followed.

    A scanned directory that is the local source of a module call in the scan is judged
    only through its callers, once per call with the caller's arguments (see
    linter.resolve.terraform_modules); a module directory scanned alone is a root.
    """
    resources: list[Resource] = []
    environment = environment_layer(request.environment)
    library = ModuleLibrary(parsed.terraform, request.root, request.max_file_bytes)
    for module_dir in root_directories(parsed.terraform):
        files = parsed.terraform[module_dir]
        try:
            values = module_values(parsed.variables.get(module_dir, {}), environment,
                                   request.command_line_variables)
            scope = ModuleScope(module_dir, files, values, library=library)
        except Exception as error:  # this root's variables; the other roots go on
            result.problems.append(FileProblem.internal_error(
                module_dir, None, "reading the variables of this Terraform module", error))
            continue
        # Each resource instance and module call on its own: a crash is an error for
        # that resource (or call) alone, and the other resources are judged.
        blocks = scope.contained_blocks(result.problems)
        for block in blocks:
            bound_numbers(block.config)
        resources.extend(terraform_adapters.build_models(blocks, result.problems))
    result.problems.extend(library.problems)
    return resources


def _adapt_plans(parsed: _Parsed, result: ScanResult, request: ScanRequest) -> list[Resource]:
    """Terraform plan JSON (`terraform show -json`), judged with the Terraform adapters.

    When the plan's configuration is scanned too, findings point at the .tf lines, and
    the plan's judgement replaces the configuration's for those resources (the plan
    knows every variable, module input and count): see _drop_planned.
    """
    resources: list[Resource] = []
    sources = SourceIndex(parsed.terraform) if parsed.terraform else None
    for plan in parsed.plans:
        try:
            resolver = PlanResolver(plan, sources)
            groups: dict[str, list[Any]] = defaultdict(list)
            for block in resolver.blocks():
                # One context per module instance, as for .tf files: names are per module.
                groups[block.module_address].append(block)
                if block.declared_at is not None:
                    parsed.planned_declarations.add(
                        (*block.declared_at, resolver.root_directory or ""))
            # build_models makes one context per module instance itself, and shares the
            # whole plan as the root (LOG-003 log targets across module calls).
            ordered = [block for address in sorted(groups) for block in groups[address]]
            for block in ordered:
                bound_numbers(block.config)
            resources.extend(terraform_adapters.build_models(ordered, result.problems))
        except Exception as error:  # one broken plan must not hide the rest of the scan
            result.problems.append(FileProblem.internal_error(
                plan.path, None, "reading this Terraform plan", error))
    return resources


def _drop_planned(resources: list[Resource], parsed: _Parsed) -> list[Resource]:
    """The configuration's own findings for resource blocks a scanned plan judged.

    A block is matched by its declaration (file and first line) within the plan's root
    module directory, or a module directory it calls: the plan's values are the real
    ones, so its findings win and the configuration's are not reported twice.
    """
    if not parsed.planned_declarations:
        return resources
    declared = {(path, line) for path, line, _ in parsed.planned_declarations}
    scopes = {scope for _, _, scope in parsed.planned_declarations}
    return [resource for resource in resources
            if resource.source_format != "terraform"
            or (resource.location.path, resource.location.start_line) not in declared
            or not (resource.scope in scopes
                    or resource.scope == str(PurePosixPath(resource.location.path).parent))]


def _adapt_documents(parsed: _Parsed, result: ScanResult,
                     request: ScanRequest) -> list[Resource]:
    resources: list[Resource] = []
    for path, documents in parsed.documents:
        for template in documents.cloudformation:
            try:
                bound_numbers(template)
                scope = TemplateScope(template, request.cloudformation_parameters)
                resolved = scope.resolved_resources()
            except Exception as error:  # this template; the file's others still count
                result.problems.append(FileProblem.internal_error(
                    path, template.line or None, "resolving this CloudFormation template",
                    error))
                continue
            resources.extend(cloudformation_adapters.build_models(path, resolved,
                                                                  result.problems))
            result.problems.extend(_rejected_declarations(path, scope))
            result.problems.extend(  # one resource's crash never costs the template
                FileProblem.internal_error(path, line, f"resolving {logical_id}", error)
                for line, logical_id, error in scope.crashed)
            # Templates CloudFormation would reject (a loop without its transform...)
            result.problems.extend(FileProblem(path, reason, "warning")
                                   for reason in scope.problems)
        if documents.kubernetes:
            for item in documents.kubernetes:
                bound_numbers(item.body)
            resources.extend(kubernetes_adapters.build_models(path, documents.kubernetes,
                                                              result.problems))
    return resources


def _rejected_declarations(path: str, scope: TemplateScope) -> list[FileProblem]:
    """Declarations CloudFormation rejects: errors (exit 2), since their resources are
    not judged. A loop left unexpanded (no LanguageExtensions transform) is already
    reported by the loop expansion, so its key is not reported twice."""
    loops = {scope.resources.line_of(key) for key in scope.resources.keys()
             if key.startswith(LOOP_PREFIX)}
    return [FileProblem(path, reason, "error", line) for line, reason in scope.errors
            if line not in loops]


def _adapt_pem(parsed: _Parsed, result: ScanResult) -> list[Resource]:
    """Certificates and private keys in PEM files (the CRT rules)."""
    resources: list[Resource] = []
    for path, blocks in parsed.pem_files:
        resources.extend(pem_adapters.build_models(path, blocks, result.problems))
    return resources


# Past this many bits an integer is no setting anyone writes, and Python refuses to turn
# one of more than 4,300 digits into text: the message quoting it would crash.
MAX_NUMBER_BITS = 1024


def bound_numbers(root: ConfigNode) -> None:
    """Integers too large to be a setting become Unknown, in place, before any rule
    reads them (a 4,300-digit `count` or port is a mistake or an attack, not a value)."""
    seen: set[int] = set()
    pending: list[Any] = [root]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConfigNode):
            for key, value in current.values.items():
                current.values[key] = _bounded(value, pending)
        elif isinstance(current, list):
            current[:] = [_bounded(value, pending) for value in current]


def _bounded(value: Any, pending: list[Any]) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) \
            and value.bit_length() > MAX_NUMBER_BITS:
        return Unknown(f"a number of more than {MAX_NUMBER_BITS} bits, larger than any "
                       "setting")
    if isinstance(value, Branches):
        options = tuple(_bounded(option, pending) for option in value.options)
        changed = any(new is not old for new, old in zip(options, value.options))
        return Branches(options, value.labels) if changed else value
    if isinstance(value, (ConfigNode, list)):
        pending.append(value)
    return value
