"""One scan: discover -> parse -> resolve -> adapt -> evaluate.

Each file and each Terraform module is handled on its own: a file that cannot be read
or parsed, or a module whose evaluation crashes, becomes a problem with its path and
reason, and the rest of the scan goes on.
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from linter import cache
from linter.adapters import cloudformation as cloudformation_adapters
from linter.adapters import kubernetes as kubernetes_adapters
from linter.adapters import pem as pem_adapters
from linter.adapters import terraform as terraform_adapters
from linter.certificates import PemBlock, pem_blocks
from linter.discover import DEFAULT_MAX_FILE_BYTES, FileProblem, discover, read_text
from linter.engine import Evaluator, Outcome, Rule
from linter.models.base import Resource
from linter.parsers.documents import ParsedDocuments, might_be_infrastructure, parse_documents
from linter.parsers.terraform import (
    HclAttribute,
    TerraformFile,
    TerraformSyntaxError,
    parse_hcl,
    parse_json,
    parse_variables_file,
)
from linter.parsers.tfplan import PlanError, TerraformPlan, looks_like_plan, parse_plan
from linter.parsers.yaml_source import DocumentError
from linter.resolve.cloudformation import TemplateScope
from linter.resolve.terraform import ModuleScope
from linter.resolve.terraform_modules import ModuleLibrary, root_directories
from linter.resolve.tfplan import PlanResolver, SourceIndex
from linter.resolve.variables import (
    CommandLineVariables,
    environment_layer,
    is_auto_loaded,
    module_values,
)

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


@dataclass
class ScanResult:
    rules: list[Rule]
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files_scanned: int = 0
    files_unrecognised: int = 0
    resources: int = 0
    seconds: float = 0.0

    @property
    def errors(self) -> list[FileProblem]:
        return [problem for problem in self.problems if problem.level == "error"]


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
    if request.paths:
        found = discover(request.paths, request.root)
        if policy is not None:
            found.files = policy.select_files(found.files)
        sources = [(source.path, source.display_path) for source in found.files]
        result.problems.extend(found.problems)
        jobs = [(source.path, source.display_path, source.kind, request.max_file_bytes)
                for source in found.files]
        for outcome in _parse_all(jobs, request.workers):
            _collect(outcome, parsed, result)
    if request.stdin_text is not None:
        _collect(_parse_stdin(request), parsed, result)
    resources = _adapt(parsed, result, request)
    result.resources = len(resources)
    result.outcomes = Evaluator(request.rules).evaluate(resources)
    if policy is not None:
        if request.stdin_text is not None:
            sources.append((None, "stdin"))
        result.outcomes = policy.apply(result.outcomes, sources, request.stdin_text)
    result.seconds = time.perf_counter() - started
    return result


# A parsed file travels back from a worker as (display path, kind, payload); the payload
# is the parsed content, None for a file that is not infrastructure, or a FileProblem.
ParseOutcome = tuple[str, str, Any]
ParseJob = tuple[Path, str, str, int]

# Below this many files, starting worker processes costs more than it saves.
_PARALLEL_THRESHOLD = 24


def _parse_all(jobs: list[ParseJob], workers: int | None) -> list[ParseOutcome]:
    """Every file parsed, from the parse cache where its content was parsed before."""
    count = workers if workers is not None else min(os.cpu_count() or 1, 8)
    fingerprint = parser_fingerprint()
    keyed = [(job, fingerprint) for job in jobs]
    if count <= 1 or len(jobs) < _PARALLEL_THRESHOLD:
        parsed = [_parse_job(item) for item in keyed]
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork keeps worker start-up to a few milliseconds: the parsers are imported.
        context = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
        chunk = max(1, len(jobs) // (count * 8))
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            parsed = list(pool.map(_parse_job, keyed, chunksize=chunk))
    if any(stored for _, stored in parsed):
        cache.prune("parsed", cache.MAX_PARSED_ENTRIES)
    return [outcome for outcome, _ in parsed]


def _parse_job(item: tuple[ParseJob, bytes]) -> tuple[ParseOutcome, bool]:
    """The file's parse outcome, and whether it was newly stored in the cache."""
    (path, display_path, kind, max_file_bytes), fingerprint = item
    try:
        text = read_text(path, max_file_bytes)
    except ValueError as error:
        return (display_path, kind, FileProblem(display_path, str(error))), False
    # The outcome names the file, and a tfvars file's name decides whether it is read.
    key = cache.content_key(fingerprint, kind.encode(), display_path.encode(), text.encode())
    outcome = cache.load_object("parsed", key)
    if outcome is not None:
        return outcome, False
    outcome = _parse_text(text, display_path, kind, None)
    return outcome, cache.store_object("parsed", key, outcome)


_PARSER_SOURCES = ("parsers", "values.py", "certificates.py", "discover.py")


@functools.cache
def parser_fingerprint() -> bytes:
    """A hash of the code a parse result depends on: an edited parser misses the cache
    even before the version changes (a development checkout), as do other library
    versions."""
    import hcl2
    import yaml

    digest = hashlib.sha256(f"{hcl2.__version__} {yaml.__version__}".encode())
    package = Path(__file__).parent
    for name in _PARSER_SOURCES:
        target = package / name
        for source in sorted(target.glob("*.py")) if target.is_dir() else [target]:
            digest.update(source.read_bytes())
    return digest.digest()


def _parse_stdin(request: ScanRequest) -> ParseOutcome:
    text = request.stdin_text or ""
    kind = "terraform" if request.stdin_format == "terraform" else "document"
    if len(text.encode()) > request.max_file_bytes:
        return "stdin", kind, FileProblem("stdin", "input is over the size limit")
    return _parse_text(text, "stdin", kind, request.stdin_format)


def _parse_text(text: str, display_path: str, kind: str, expect: str | None) -> ParseOutcome:
    if kind == "pem":
        return display_path, kind, pem_blocks(text) or None
    try:
        # A plan is JSON recognised by content: any .json file, or stdin given as terraform.
        if kind in ("document", "terraform") and looks_like_plan(text) and (
                kind == "terraform" or display_path.lower().endswith(".json")):
            return display_path, "tfplan", parse_plan(text, display_path)
        if kind == "terraform" and expect == "terraform" and text.lstrip().startswith("{"):
            return display_path, kind, parse_json(text, display_path)
        if kind == "terraform":
            return display_path, kind, parse_hcl(text, display_path)
        if kind == "terraform_json":
            return display_path, kind, parse_json(text, display_path)
        if kind == "tfvars":
            if is_auto_loaded(PurePosixPath(display_path).name):
                return display_path, kind, parse_variables_file(text, display_path)
            return display_path, kind, None
        if expect is None and not might_be_infrastructure(text):
            return display_path, kind, None
        json_mode = display_path.lower().endswith(".json")
        documents = parse_documents(text, json_mode, expect)
        return display_path, kind, documents if documents.recognised else None
    except (TerraformSyntaxError, DocumentError, PlanError) as error:
        if kind == "document" and "{{" in text:
            return display_path, kind, FileProblem(
                display_path, "looks like a Helm or Go template, not plain YAML; render it "
                "(helm template ... | ephi-lint scan - --input-format kubernetes)", "warning")
        return display_path, kind, FileProblem(display_path, str(error))
    except RecursionError:
        return display_path, kind, FileProblem(display_path, "nesting too deep to parse")


def _collect(outcome: ParseOutcome, parsed: _Parsed, result: ScanResult) -> None:
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
            resources.extend(terraform_adapters.build_models(scope.resolved_blocks()))
        except Exception as error:  # one broken module must not hide the others
            result.problems.append(FileProblem(
                module_dir, f"internal error while evaluating this Terraform module: "
                            f"{type(error).__name__}: {error}"))
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
            for module_address in sorted(groups):
                resources.extend(terraform_adapters.build_models(groups[module_address]))
        except Exception as error:  # one broken plan must not hide the rest of the scan
            result.problems.append(FileProblem(
                plan.path, f"internal error while evaluating this Terraform plan: "
                           f"{type(error).__name__}: {error}"))
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
        try:
            for template in documents.cloudformation:
                scope = TemplateScope(template, request.cloudformation_parameters)
                resources.extend(cloudformation_adapters.build_models(
                    path, scope.resolved_resources()))
                # Templates CloudFormation would reject (a loop without its transform...)
                result.problems.extend(FileProblem(path, reason, "warning")
                                       for reason in scope.problems)
            if documents.kubernetes:
                resources.extend(kubernetes_adapters.build_models(path, documents.kubernetes))
        except Exception as error:
            result.problems.append(FileProblem(
                path, f"internal error while evaluating this file: "
                      f"{type(error).__name__}: {error}"))
    return resources


def _adapt_pem(parsed: _Parsed, result: ScanResult) -> list[Resource]:
    """Certificates and private keys in PEM files (the CRT rules)."""
    resources: list[Resource] = []
    for path, blocks in parsed.pem_files:
        try:
            resources.extend(pem_adapters.build_models(path, blocks))
        except Exception as error:
            result.problems.append(FileProblem(
                path, f"internal error while evaluating this file: "
                      f"{type(error).__name__}: {error}"))
    return resources
