"""Judging a large scan's files as they are parsed, so memory follows the largest module
rather than the whole tree.

The parse outcomes arrive in the order linter.pipeline gives the jobs: YAML/JSON
documents and PEM files (each judged on its own), then Terraform variables files, then
Terraform files grouped by folder, first the folders where some file mentions `module`
(the only ones that can call another folder), then the rest. Documents and PEM files are
adapted and evaluated in batches and their parse models dropped; a Terraform folder that
neither calls nor is called by another scanned folder is judged as soon as its last file
is parsed, and dropped. Folders linked by module calls are kept, and judged at the end
with one module library, as a whole-tree scan judges them. A scan with a Terraform plan
keeps all of its Terraform (the plan's judgement replaces the configuration's across
folders) and judges it as a whole-tree scan does.

Only outcomes and problems are kept, each in a bucket, and the buckets are put back in
the order a whole-tree scan reports them: Terraform roots in `root_directories` order,
then the module library's problems, plans, documents and PEM files in file order.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from linter import pipeline_workers
from linter.discover import FileProblem
from linter.engine import Evaluator, Outcome
from linter.parsers.terraform import HclAttribute, TerraformFile
from linter.parsing import ParseOutcome, only_frameworks
from linter.pipeline_adapt import ParsedFiles, adapt, root_models
from linter.pipeline_workers import RootsResult, UnitResult
from linter.resolve.terraform_modules import (
    ModuleLibrary,
    local_calls,
    root_directories,
    root_order,
)
from linter.resolve.variables import environment_layer

if TYPE_CHECKING:
    from linter.parsers.documents import ParsedDocuments
    from linter.pipeline import ScanRequest, ScanResult

# Files judged together: enough to spread the per-batch cost, few enough to stay small.
BATCH_FILES = 256

_Bucket = tuple[list[Outcome], list[FileProblem]]


class ScanStream:
    """Collects parse outcomes (`add`), judges what can be judged early, and fills the
    scan result (`finish`). `linked_folders`: the Terraform folders whose files mention
    `module`; `whole_tree`: keep all Terraform to the end (small scans, stdin)."""

    def __init__(self, request: ScanRequest, result: ScanResult,
                 linked_folders: set[str], whole_tree: bool, workers: int = 1) -> None:
        self.request = request
        self.workers = workers  # processes to judge roots in (1: this one)
        self.result = result
        self.evaluator = Evaluator(request.rules, keep_models=request.keep_models)
        self.linked_folders = linked_folders
        self.whole_tree = whole_tree
        self.parse_problems: list[tuple[int, FileProblem]] = []
        self.variables: dict[str, dict[str, dict[str, HclAttribute]]] = defaultdict(dict)
        self.plans: list[Any] = []
        self.held: dict[str, list[TerraformFile]] = defaultdict(list)  # judged at the end
        self.folders: list[str] = []  # every folder with a parsed Terraform file
        # The local calls of folders judged in a worker (their files never come here).
        self.calls: dict[str, list[str]] = {}
        self.called: set[str] | None = None  # known once the linked folders are parsed
        self.current: str | None = None
        self.waiting: dict[str, list[TerraformFile]] = {}  # unlinked folders of a batch
        self.roots: dict[str, _Bucket] = {}
        # What the module library could not read, by the root whose judgement first met
        # it (in its process): put in the whole scan's root order at the end, so the
        # order is one process's whatever judged where.
        self.library_problems: dict[str, list[FileProblem]] = {}
        self.documents: list[tuple[str, ParsedDocuments]] = []
        self.pem_files: list[tuple[str, Any]] = []
        self.document_buckets: list[_Bucket] = []
        self.pem_buckets: list[_Bucket] = []
        self.whole_bucket: _Bucket = ([], [])  # held Terraform and plans, judged last
        self.environment = environment_layer(request.environment)

    # -- collecting ------------------------------------------------------------------

    def add(self, index: int, outcome: ParseOutcome | None) -> None:
        """One parse outcome (None: left out by --framework after parsing, and counted);
        `index` is the file's place in discovery order, for the problems' order."""
        if outcome is None:
            return
        display_path, kind, payload = outcome
        module_dir = str(PurePosixPath(display_path).parent)
        result = self.result
        if kind == "pem" and isinstance(payload, FileProblem) and payload.level == "error":
            # A binary .cer/.der/.key (DER) is not text: noted, and not a failed scan.
            payload = FileProblem(display_path, f"{payload.reason}; only PEM text is judged",
                                  "warning")
        if isinstance(payload, FileProblem):
            self.parse_problems.append((index, payload))
            if payload.level != "error":
                result.files_unrecognised += 1
            return
        if payload is None:
            result.files_unrecognised += 1
            return
        result.files_scanned += 1
        if kind in ("terraform", "terraform_json"):
            self._add_terraform(module_dir, payload)
        elif kind == "tfvars":
            self.variables[module_dir][display_path] = payload
        elif kind == "tfplan":
            self.plans.append(payload)
        elif kind == "pem":
            self.pem_files.append((display_path, payload))
            if len(self.pem_files) >= BATCH_FILES:
                self._judge_pem()
        else:
            self.documents.append((display_path, payload))
            if len(self.documents) >= BATCH_FILES:
                self._judge_documents()

    def _add_terraform(self, module_dir: str, payload: TerraformFile) -> None:
        if module_dir != self.current:
            if self.current is not None:
                self._folder_complete(self.current)
            self.current = module_dir
            self.folders.append(module_dir)
        if self.whole_tree or self.plans or module_dir in self.linked_folders:
            self.held[module_dir].append(payload)
            return
        if module_dir in self.linked_parsed():
            self.held[module_dir].append(payload)
        else:
            self.waiting.setdefault(module_dir, []).append(payload)

    def linked_parsed(self) -> set[str]:
        """The folders the linked folders call; known once every linked folder is parsed
        (they come first)."""
        if self.called is None:
            self.called = {target for folder, files in self.held.items()
                           for target in local_calls(files, folder) if target != folder}
        return self.called

    def merge_unit(self, unit: UnitResult) -> None:
        """What a worker judged on its own (linter.pipeline_workers), in unit order."""
        self.parse_problems.extend(unit.parse_problems)
        self.roots.update(unit.roots)
        self.folders.extend(unit.folders)
        self.calls.update(unit.calls)
        self.library_problems.update(unit.library_problems)
        self.document_buckets.extend(unit.document_buckets)
        self.pem_buckets.extend(unit.pem_buckets)
        self.plans.extend(unit.plans)
        result = self.result
        result.files_scanned += unit.files_scanned
        result.files_unrecognised += unit.files_unrecognised
        result.resources += unit.resources
        for reason, count in unit.skipped.items():
            count_skipped(result, reason, count)

    def _folder_complete(self, module_dir: str) -> None:
        """`module_dir` has all its files: judge the unlinked folders once enough wait."""
        if sum(len(files) for files in self.waiting.values()) >= BATCH_FILES:
            self._judge_waiting()

    # -- judging ---------------------------------------------------------------------

    def _judge_waiting(self) -> None:
        """Folders no other folder calls and that call none: each its own root."""
        if not self.waiting:
            return
        modules, self.waiting = self.waiting, {}
        library = ModuleLibrary(modules, self.request.root, self.request.max_file_bytes)
        self._judge_roots(list(modules), modules, library)

    def _judge_roots(self, roots: list[str], modules: dict[str, list[TerraformFile]],
                     library: ModuleLibrary) -> None:
        """As linter.pipeline_adapt._adapt_terraform, one bucket per root; many roots are
        spread over worker processes forked now, which share the parse models."""
        judge = functools.partial(self._roots_result, modules, library)
        if self.workers > 1 and len(roots) >= pipeline_workers.ROOTS_MIN:
            parts: Iterable[RootsResult] = pipeline_workers.judge_roots(
                roots, {"request": self.request, "judge": judge}, self.workers)
        else:
            parts = [judge(roots)]
        for part in parts:
            self.roots.update(part.roots)
            self.result.resources += part.resources
            self.library_problems.update(part.library_problems)

    def _roots_result(self, modules: dict[str, list[TerraformFile]], library: ModuleLibrary,
                      roots: list[str]) -> RootsResult:
        part = RootsResult()
        for module_dir in roots:
            problems: list[FileProblem] = []
            before = len(library.problems)
            resources = root_models(module_dir, modules[module_dir],
                                    self.variables.get(module_dir, {}), self.environment,
                                    self.request, library, problems)
            part.resources += len(resources)
            part.roots.append((module_dir, (self.evaluator.evaluate(resources), problems)))
            if len(library.problems) > before:
                part.library_problems[module_dir] = library.problems[before:]
        return part

    def _judge_parsed(self, parsed: ParsedFiles) -> _Bucket:
        scratch = type(self.result)(rules=self.request.rules)
        resources = adapt(parsed, scratch, self.request)
        self.result.resources += len(resources)
        return self.evaluator.evaluate(resources), scratch.problems

    def _judge_documents(self) -> None:
        if self.documents:
            self.document_buckets.append(self._judge_parsed(ParsedFiles(
                documents=self.documents)))
            self.documents = []

    def _judge_pem(self) -> None:
        if self.pem_files:
            self.pem_buckets.append(self._judge_parsed(ParsedFiles(pem_files=self.pem_files)))
            self.pem_files = []

    def held_calls(self) -> dict[str, list[str]]:
        """The local calls of each held folder (what linter.pipeline_workers sends back
        with a unit's outcomes, for the roots' order)."""
        return {folder: local_calls(files, folder) for folder, files in self.held.items()}

    def judge_rest(self) -> None:
        """Everything still held: the last batches, the linked folders, the plans."""
        self._judge_documents()
        self._judge_pem()
        self._judge_waiting()
        if self.plans:
            parsed = ParsedFiles(terraform=self.held, variables=self.variables,
                                 plans=self.plans)
            self.whole_bucket = self._judge_parsed(parsed)
            return
        library = ModuleLibrary(self.held, self.request.root, self.request.max_file_bytes)
        self._judge_roots(root_directories(self.held), self.held, library)

    def report_parse_problems(self) -> None:
        """The files that could not be read or parsed, into the result in discovery
        order (they were parsed in stream order)."""
        self.result.problems.extend(problem for _, problem in sorted(
            self.parse_problems, key=lambda item: item[0]))
        self.parse_problems = []

    def finish(self) -> None:
        """Judge what is left and fill the result in a whole-tree scan's order."""
        self.judge_rest()
        # The roots' order of a whole-tree scan: an unlinked folder calls nothing, so its
        # files are not needed to place it, and a worker sent the calls of its folders.
        order = root_order({folder: self.calls[folder] if folder in self.calls else
                            local_calls(self.held.get(folder, []), folder)
                            for folder in self.folders}) if self.roots else []
        self.held = defaultdict(list)
        result = self.result
        self.report_parse_problems()
        buckets = [self.roots[folder] for folder in order if folder in self.roots]
        library_problems = [problem for folder in order
                            for problem in self.library_problems.get(folder, ())]
        buckets.append(([], list(dict.fromkeys(library_problems))))
        buckets.append(self.whole_bucket)
        buckets.extend(self.document_buckets)
        buckets.extend(self.pem_buckets)
        for outcomes, problems in buckets:
            result.outcomes.extend(outcomes)
            result.problems.extend(problems)


def framework_outcome(outcome: ParseOutcome, request: ScanRequest,
                      result: ScanResult) -> ParseOutcome | None:
    """The outcome without the formats --framework leaves out (None: nothing left, and
    counted as skipped)."""
    if request.frameworks is None:
        return outcome
    kept = only_frameworks(outcome, request.frameworks)
    if kept is None:
        count_skipped(result, "--framework", 1)
    return kept


def count_skipped(result: ScanResult, reason: str, count: int) -> None:
    if count:
        result.skipped[reason] = result.skipped.get(reason, 0) + count
