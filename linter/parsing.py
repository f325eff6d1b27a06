"""The parse step of a scan: every file read and parsed once, through the parse cache,
in worker processes when there are enough files to pay for them.

A file never takes others down with it: a parser that raises makes that file an error,
and a worker process that dies (killed, out of memory, a crash in a C extension) makes
the files it held be parsed again, each alone in a fresh process, so only a file that
kills its parser again is reported, as an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from linter import cache
from linter.discover import FRAMEWORKS as FRAMEWORKS  # re-exported
from linter.discover import (
    FileProblem,
    in_chart_templates,
    looks_like_go_template,
    might_be_infrastructure,
    read_text,
)
from linter.parser_version import parser_fingerprint as parser_fingerprint  # re-exported
from linter.parsers.terraform import (
    TerraformSyntaxError,
    parse_hcl,
    parse_json,
    parse_variables_file,
)
from linter.parsers.tfplan import PlanError, looks_like_plan, parse_plan
from linter.resolve.variables import is_auto_loaded

# A parsed file travels back from a worker as (display path, kind, payload); the payload
# is the parsed content, None for a file that is not infrastructure, or a FileProblem.
ParseOutcome = tuple[str, str, Any]
ParseJob = tuple[Path, str, str, int]
# A job with the parser fingerprint; its result, and whether it was newly cached.
_Keyed = tuple[ParseJob, bytes]
_Parsed = tuple[ParseOutcome, bool]

# What --framework / --skip-framework select. A plan is JSON recognised by content, so it
# is told apart from CloudFormation and Kubernetes documents only once parsed.
_FRAMEWORK_OF_KIND = {"terraform": "terraform", "terraform_json": "terraform",
                      "tfvars": "terraform", "pem": "pem"}
_DOCUMENT_FRAMEWORKS = frozenset({"cloudformation", "kubernetes", "tfplan"})

HELM_WARNING = ("looks like a Helm or Go template, not plain YAML; render it "
                "(helm template ... | ephi-lint scan - --input-format kubernetes)")


def parse_each(jobs: list[ParseJob], workers: int | None) -> Iterator[ParseOutcome]:
    """Each file's parse outcome, in the order of `jobs`, as soon as it is ready: the
    caller judges and drops each before the next ones are parsed, so a scan never holds
    every file's parse model at once. Many files are parsed in worker processes
    (linter.pipeline_workers.parse_chunks)."""
    from linter import pipeline_workers

    count = pipeline_workers.worker_count(workers)
    fingerprint = parser_fingerprint()
    keyed = [(job, fingerprint) for job in jobs]
    stored = False
    if count <= 1 or len(jobs) < pipeline_workers.UNIT_MIN_FILES \
            or not pipeline_workers.fork_available():
        parsed: Iterator[_Parsed] = map(_parse_job, keyed)
    else:
        parsed = pipeline_workers.parse_chunks(keyed, count)
    for outcome, newly_stored in parsed:
        stored = stored or newly_stored
        yield outcome
    if stored:
        cache.prune("parsed", cache.MAX_PARSED_ENTRIES)


def parse_chunk(items: list[_Keyed]) -> list[_Parsed]:
    """Files parsed in a worker process (linter.pipeline_workers.parse_chunks)."""
    return [_parse_job(item) for item in items]


def parse_alone_failed(item: _Keyed) -> _Parsed:
    """What a file that killed the process parsing it on its own too becomes."""
    (_, display_path, kind, _), _ = item
    return (display_path, kind, FileProblem(
        display_path, "the parser process stopped while reading this file (killed, "
                      "or out of memory); not judged")), False


def parse_uncached(job: ParseJob) -> ParseOutcome:
    """One file's parse outcome, without the parse cache: for a worker that parses and
    judges files standing alone (linter.pipeline_workers). Their parse models never
    leave the worker, and a repeated scan reads the whole result back (linter.scan_cache);
    storing each file's model cost as much CPU as tree-sitter's parse of it (20,000
    files: 7.4 s of entries written against 6.6 s of parsing)."""
    return _parse_job((job, b""), use_cache=False)[0]


def _parse_job(item: _Keyed, use_cache: bool = True) -> _Parsed:
    """The file's parse outcome, and whether it was newly stored in the cache."""
    (path, display_path, kind, max_file_bytes), fingerprint = item
    try:
        text = read_text(path, max_file_bytes)
    except ValueError as error:
        return (display_path, kind, FileProblem(display_path, str(error))), False
    in_chart = kind == "document" and "{{" in text and in_chart_templates(path)
    key = parse_cache_key(fingerprint, display_path, kind, text, in_chart) if use_cache \
        else ""
    outcome = cache.load_object("parsed", key) if use_cache else None
    if _is_outcome_of(outcome, display_path, kind):
        return outcome, False
    try:
        outcome = parse_text(text, display_path, kind, None, in_chart)
    except Exception as error:  # a parser bug: this file is an error, the others go on
        return (display_path, kind, FileProblem.internal_error(
            display_path, None, "parsing this file", error)), False
    return outcome, use_cache and cache.store_object("parsed", key, outcome)


def parse_cache_key(fingerprint: bytes, display_path: str, kind: str, text: str,
                    in_chart: bool = False) -> str:
    """The parse cache key of a file: its content digest bound to the parser fingerprint.
    The outcome names the file, and a tfvars file's name decides whether it is read, so
    the path is part of it too."""
    return cache.content_key(fingerprint, kind.encode(), display_path.encode(), text.encode(),
                             b"chart" if in_chart else b"")


def _is_outcome_of(stored: Any, display_path: str, kind: str) -> bool:
    """Whether a cache entry is this file's parse outcome: anything else (another file's
    entry, a value of the wrong shape) is a miss, and the file is parsed again."""
    return (type(stored) is tuple and len(stored) == 3 and stored[0] == display_path
            and stored[1] in (kind, "tfplan"))


def parse_stdin(text: str, input_format: str | None, max_file_bytes: int) -> ParseOutcome:
    kind = "terraform" if input_format == "terraform" else "document"
    if len(text.encode()) > max_file_bytes:
        return "stdin", kind, FileProblem("stdin", "input is over the size limit")
    try:
        return parse_text(text, "stdin", kind, input_format)
    except Exception as error:
        return "stdin", kind, FileProblem.internal_error("stdin", None, "parsing it", error)


def parse_text(text: str, display_path: str, kind: str, expect: str | None,
               in_chart: bool = False) -> ParseOutcome:
    """`in_chart`: the file is in a Helm chart's templates/ folder (see
    linter.discover.looks_like_go_template)."""
    if kind == "pem":
        from linter.certificates import pem_blocks

        return display_path, kind, pem_blocks(text) or None
    # The YAML side loads when a scan holds a document that may be a template or a
    # manifest: a Terraform-only run, or one whose YAML is CI workflows, never imports
    # PyYAML.
    document_errors: tuple[type[Exception], ...] = ()
    if kind == "document":
        if expect is None and not might_be_infrastructure(text) and not (
                display_path.lower().endswith(".json") and looks_like_plan(text)):
            return display_path, kind, None
        from linter.parsers.documents import TemplateRejected, parse_documents
        from linter.parsers.yaml_source import DocumentError

        document_errors = (DocumentError,)
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
        json_mode = display_path.lower().endswith(".json")
        documents = parse_documents(text, json_mode, expect)
        return display_path, kind, documents if documents.recognised else None
    except (TerraformSyntaxError, PlanError, *document_errors) as error:
        # Only a real template is let off with a warning: a CloudFormation dynamic
        # reference (`{{resolve:...}}`) in a broken template is still a broken template,
        # and one the loader refused (a key written twice) is never a Helm chart.
        if kind == "document" and not isinstance(error, TemplateRejected) \
                and looks_like_go_template(text, in_chart):
            return display_path, kind, FileProblem(display_path, HELM_WARNING, "warning")
        return display_path, kind, FileProblem(display_path, str(error))
    except RecursionError:
        return display_path, kind, FileProblem(display_path, "nesting too deep to parse")


def may_hold(kind: str, frameworks: frozenset[str]) -> bool:
    """Whether a file of this discovered kind can hold a selected framework, decided
    before reading it: Terraform and PEM by name; YAML and JSON only once parsed."""
    if kind in _FRAMEWORK_OF_KIND:
        return _FRAMEWORK_OF_KIND[kind] in frameworks
    return bool(frameworks & _DOCUMENT_FRAMEWORKS)


def only_frameworks(outcome: ParseOutcome, frameworks: frozenset[str]) -> ParseOutcome | None:
    """The parse outcome without the formats left out; None when nothing selected is left
    (the file counts as skipped, not as unrecognised). Problems pass unchanged."""
    display_path, kind, payload = outcome
    if isinstance(payload, FileProblem) or payload is None:
        return outcome
    if kind == "tfplan":
        return outcome if "tfplan" in frameworks else None
    from linter.parsers.documents import ParsedDocuments

    if isinstance(payload, ParsedDocuments):
        kept = ParsedDocuments(
            cloudformation=payload.cloudformation if "cloudformation" in frameworks else [],
            kubernetes=payload.kubernetes if "kubernetes" in frameworks else [])
        return (display_path, kind, kept) if kept.recognised else None
    return outcome if _FRAMEWORK_OF_KIND.get(kind, "terraform") in frameworks else None
