"""One scan: discover -> parse -> resolve -> adapt -> evaluate.

Each file and each Terraform module is handled on its own: a file that cannot be read
or parsed, or a module whose evaluation crashes, becomes a problem with its path and
reason, and the rest of the scan goes on.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from linter.adapters import cloudformation as cloudformation_adapters
from linter.adapters import kubernetes as kubernetes_adapters
from linter.adapters import terraform as terraform_adapters
from linter.discover import (
    DEFAULT_MAX_FILE_BYTES,
    FileProblem,
    SourceFile,
    decode,
    discover,
    read_text,
)
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
from linter.parsers.yaml_source import DocumentError
from linter.resolve.cloudformation import TemplateScope
from linter.resolve.terraform import ModuleScope

INPUT_FORMATS = ("terraform", "cloudformation", "kubernetes")


@dataclass
class ScanRequest:
    paths: list[Path]
    root: Path
    rules: list[Rule]
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    stdin_text: str | None = None  # `-` as a path: one document read from standard input
    stdin_format: str | None = None


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
    variables: dict[str, dict[str, HclAttribute]] = field(
        default_factory=lambda: defaultdict(dict))
    documents: list[tuple[str, ParsedDocuments]] = field(default_factory=list)


def scan(request: ScanRequest) -> ScanResult:
    started = time.perf_counter()
    result = ScanResult(rules=request.rules)
    parsed = _Parsed()
    if request.paths:
        found = discover(request.paths, request.root)
        result.problems.extend(found.problems)
        for source in found.files:
            _parse_file(source, request, parsed, result)
    if request.stdin_text is not None:
        _parse_stdin(request, parsed, result)
    resources = _adapt(parsed, result)
    result.resources = len(resources)
    result.outcomes = Evaluator(request.rules).evaluate(resources)
    result.seconds = time.perf_counter() - started
    return result


def _parse_file(source: SourceFile, request: ScanRequest, parsed: _Parsed,
                result: ScanResult) -> None:
    try:
        text = read_text(source.path, request.max_file_bytes)
    except ValueError as error:
        result.problems.append(FileProblem(source.display_path, str(error)))
        return
    _parse_text(text, source.display_path, source.kind, None, parsed, result)


def _parse_stdin(request: ScanRequest, parsed: _Parsed, result: ScanResult) -> None:
    text = request.stdin_text or ""
    if len(text.encode()) > request.max_file_bytes:
        result.problems.append(FileProblem("stdin", "input is over the size limit"))
        return
    kind = "terraform" if request.stdin_format == "terraform" else "document"
    _parse_text(text, "stdin", kind, request.stdin_format, parsed, result)


def _parse_text(text: str, display_path: str, kind: str, expect: str | None,
                parsed: _Parsed, result: ScanResult) -> None:
    module_dir = str(PurePosixPath(display_path).parent)
    try:
        if kind == "terraform":
            parsed.terraform[module_dir].append(parse_hcl(text, display_path))
        elif kind == "terraform_json":
            parsed.terraform[module_dir].append(parse_json(text, display_path))
        elif kind == "tfvars":
            name = PurePosixPath(display_path).name
            # Terraform loads these two forms by itself; other var files need --var-file.
            if name == "terraform.tfvars" or name.endswith(".auto.tfvars"):
                parsed.variables[module_dir].update(parse_variables_file(text, display_path))
            else:
                result.files_unrecognised += 1
                return
        else:
            if expect is None and not might_be_infrastructure(text):
                result.files_unrecognised += 1
                return
            json_mode = display_path.lower().endswith(".json")
            documents = parse_documents(text, json_mode, expect)
            if not documents.recognised:
                result.files_unrecognised += 1
                return
            parsed.documents.append((display_path, documents))
    except (TerraformSyntaxError, DocumentError) as error:
        if kind == "document" and "{{" in text:
            result.problems.append(FileProblem(
                display_path, "looks like a Helm or Go template, not plain YAML; render it "
                "(helm template ... | ephi-lint scan - --input-format kubernetes)", "warning"))
            result.files_unrecognised += 1
            return
        result.problems.append(FileProblem(display_path, str(error)))
        return
    except RecursionError:
        result.problems.append(FileProblem(display_path, "nesting too deep to parse"))
        return
    result.files_scanned += 1


def _adapt(parsed: _Parsed, result: ScanResult) -> list[Resource]:
    resources: list[Resource] = []
    for module_dir in sorted(parsed.terraform):
        files = parsed.terraform[module_dir]
        try:
            scope = ModuleScope(module_dir, files, parsed.variables.get(module_dir))
            resources.extend(terraform_adapters.build_models(scope.resolved_blocks()))
        except Exception as error:  # one broken module must not hide the others
            result.problems.append(FileProblem(
                module_dir, f"internal error while evaluating this Terraform module: "
                            f"{type(error).__name__}: {error}"))
    for path, documents in parsed.documents:
        try:
            for template in documents.cloudformation:
                scope_cfn = TemplateScope(template)
                resources.extend(cloudformation_adapters.build_models(
                    path, scope_cfn.resolved_resources()))
            if documents.kubernetes:
                resources.extend(kubernetes_adapters.build_models(path, documents.kubernetes))
        except Exception as error:
            result.problems.append(FileProblem(
                path, f"internal error while evaluating this file: "
                      f"{type(error).__name__}: {error}"))
    return resources


def read_stdin_bytes(data: bytes) -> str:
    return decode(data)
