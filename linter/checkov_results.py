"""checkov's results folded into the HIPAA view: each result under the sections it serves.

checkov (optional: `pip install '.[checkov]'`) checks much that ephi-lint does not:
IAM, logging, authentication, backups. Its JSON results (`checkov -o json`: one report
object per framework, or a list of them) are read here, not its code. A result's HIPAA
sections come from the ephi-lint rule that names the check among its `equivalents`
(the encryption, key and TLS checks), else from linter/tables/checkov_hipaa.yaml (access
control, authentication, audit, integrity, contingency). A result that repeats what an
ephi-lint rule judged on the same resource is dropped: ephi-lint's own outcome, with
its line and its UNKNOWN, is the one reported.

`#checkov:skip=CKV_AWS_3:reason` comments become exceptions for the equivalent rules:
checkov_skips reads them, linter.suppress applies them to the resource block holding the
comment; as for ephi-lint's own comments, a skip without a reason does not suppress and
is reported. checkov also reads skips from a CloudFormation resource's Metadata
(`Metadata: {checkov: {skip: [{id: CKV_AWS_18, comment: reason}]}}`, or `bridgecrew`):
checkov_metadata_skips reads those, and they are applied the same way.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from linter.metrics import natural_key
from linter.tables import load_table

CHECKOV_TIMEOUT_SECONDS = 1800
_STATUSES = {"passed_checks": "passed", "failed_checks": "failed", "skipped_checks": "skipped"}
# checkov's own skip syntax (checkov/common/comment/enum.py), read only inside a comment.
_SKIP = re.compile(r"(?:checkov|bridgecrew):skip=\s*(?P<id>[A-Z][A-Z_\d]*)"
                   r"(?::(?P<reason>[^\n]*?))?(?=\s*(?:,?\s*(?:checkov|bridgecrew):skip=|$))")
_COMMENT = re.compile(r"(?:#|//)")


class CheckovUnavailable(RuntimeError):
    """checkov is not installed, or did not produce JSON."""


@dataclass(frozen=True)
class CheckovResult:
    """One result of checkov's JSON report, as read back for `--checkov-results`."""

    check_id: str
    check_name: str
    status: str  # passed | failed | skipped
    check_type: str  # terraform | cloudformation | kubernetes | ...
    file: str  # as checkov wrote it, without the leading slash
    start_line: int
    end_line: int
    resource: str  # checkov's resource id
    address: str  # the same resource as ephi-lint names it
    guideline: str = ""
    skip_reason: str = ""
    hipaa: tuple[str, ...] = ()
    equivalent_rules: tuple[str, ...] = ()
    topic: str = ""  # from the table: access-control, audit, ...; "" for rule equivalents


# --- the mapping --------------------------------------------------------------------


@cache
def _equivalents_index() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """checkov id -> (rule ids, their HIPAA sections), from the shipped catalogue."""
    from linter.engine import catalogue_directory, load_rules

    return equivalents_index(load_rules([catalogue_directory("rules")]))


def equivalents_index(rules: Iterable[Any]) -> dict[str, tuple[tuple[str, ...],
                                                               tuple[str, ...]]]:
    rule_ids: dict[str, set[str]] = {}
    sections: dict[str, set[str]] = {}
    for rule in rules:
        for check_id in rule.equivalents.get("checkov", []):
            rule_ids.setdefault(check_id, set()).add(rule.id)
            sections.setdefault(check_id, set()).update(rule.hipaa)
    return {check_id: (tuple(sorted(ids)), tuple(sorted(sections[check_id], key=natural_key)))
            for check_id, ids in rule_ids.items()}


def equivalent_rules(check_id: str, rules: Iterable[Any] | None = None) -> list[str]:
    """The ephi-lint rules that judge what checkov's `check_id` judges."""
    index = _equivalents_index() if rules is None else equivalents_index(rules)
    return list(index.get(check_id.upper(), ((), ()))[0])


def hipaa_sections(check_id: str, rules: Iterable[Any] | None = None) -> tuple[list[str], str]:
    """(sections, topic) for a check: its equivalent rules' citations, else the table's.
    An unmapped check gives ([], "")."""
    index = _equivalents_index() if rules is None else equivalents_index(rules)
    if check_id in index:
        return list(index[check_id][1]), ""
    entry = checkov_table().get(check_id)
    if entry is None:
        return [], ""
    return list(entry["hipaa"]), entry["topic"]


def checkov_table() -> dict[str, dict[str, Any]]:
    return dict(load_table("checkov_hipaa")["checks"])


# --- reading checkov's JSON ---------------------------------------------------------


def read_results(document: Any, rules: Iterable[Any] | None = None) -> list[CheckovResult]:
    """Every passed, failed and skipped result of `checkov -o json` output (text, a
    report object, or a list of them); an empty run's summary-only object gives []."""
    if isinstance(document, (str, bytes)):
        document = json.loads(document)
    reports = document if isinstance(document, list) else [document]
    rules = list(rules) if rules is not None else None
    results = []
    for report in reports:
        if not isinstance(report, Mapping) or not isinstance(report.get("results"), Mapping):
            continue  # {"passed": 0, "failed": 0, ...}: nothing was scanned
        check_type = str(report.get("check_type", ""))
        for key, status in _STATUSES.items():
            for record in report["results"].get(key) or []:
                if isinstance(record, Mapping) and record.get("check_id"):
                    results.append(_result(record, status, check_type, rules))
    return results


def _result(record: Mapping[str, Any], status: str, check_type: str,
            rules: list[Any] | None) -> CheckovResult:
    check_id = str(record["check_id"])
    lines = record.get("file_line_range") or [0, 0]
    resource = str(record.get("resource_address") or record.get("resource") or "")
    sections, topic = hipaa_sections(check_id, rules)
    check_result = record.get("check_result") or {}
    return CheckovResult(
        check_id=check_id, check_name=str(record.get("check_name", "")), status=status,
        check_type=check_type,
        file=str(record.get("repo_file_path") or record.get("file_path") or "").lstrip("/"),
        start_line=int(lines[0] or 0), end_line=int(lines[-1] or 0), resource=resource,
        address=ephi_address(resource, check_type), guideline=str(record.get("guideline") or ""),
        skip_reason=str(check_result.get("suppress_comment") or "") if status == "skipped"
        else "", hipaa=tuple(sections),
        equivalent_rules=tuple(equivalent_rules(check_id, rules)), topic=topic)


def ephi_address(resource: str, check_type: str) -> str:
    """checkov's resource id as ephi-lint writes the address: CloudFormation
    `AWS::S3::Bucket.Photos` -> `Photos`, Kubernetes `Service.ns.name` -> `Service/ns/name`."""
    if check_type == "cloudformation" and "::" in resource and "." in resource:
        return resource.split(".", 1)[1]
    if check_type in ("kubernetes", "helm", "kustomize") and resource.count(".") >= 2:
        kind, namespace, name = resource.split(".", 2)
        return f"{kind}/{namespace}/{name}"
    return resource


# --- folding into ephi-lint's results -----------------------------------------------


@dataclass(frozen=True)
class Folded:
    """checkov's results less those an ephi-lint rule judged on the same resource."""

    kept: tuple[CheckovResult, ...]
    # (the dropped result, the ephi-lint rule that judged the same resource)
    duplicates: tuple[tuple[CheckovResult, str], ...]


def fold(results: Sequence[CheckovResult], inventory: Sequence[Mapping[str, Any]]) -> Folded:
    """Drop the results an ephi-lint rule already judged on the same resource (same
    equivalent rule, same address, same file or module folder) or inside the block
    checkov judged (ephi-lint reads a companion block such as
    aws_s3_bucket_public_access_block as part of the bucket and points into it); keep
    the rest."""
    judged: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    by_rule: dict[str, list[Mapping[str, Any]]] = {}
    for row in inventory:
        judged.setdefault((row["rule"], _plain(_comparable(row["resource"]))), []).append(row)
        by_rule.setdefault(row["rule"], []).append(row)
    kept, duplicates = [], []
    for result in results:
        match = next((rule for rule in result.equivalent_rules
                      for row in judged.get((rule, _plain(_comparable(result.address))), ())
                      if _same_place(result, row)), None) \
            or next((rule for rule in result.equivalent_rules
                     for row in by_rule.get(rule, ()) if _inside(result, row)), None)
        if match is None:
            kept.append(result)
        else:
            duplicates.append((result, match))
    return Folded(tuple(kept), tuple(duplicates))


def _comparable(address: str) -> str:
    """Kubernetes addresses without the namespace checkov assumes (`default`), so
    `Service/default/x` (checkov) meets `Service/x` and `Service/default/x` (ephi-lint)."""
    parts = address.split("/")
    if len(parts) == 3 and parts[1] == "default":
        return f"{parts[0]}/{parts[2]}"
    return address


def _plain(address: str) -> str:
    """Without instance keys: `aws_s3_bucket.x["a"]`, `[0]` and ephi-lint's `[*]` meet."""
    return re.sub(r"\[[^\]]*\]", "", address)


def _same_place(result: CheckovResult, row: Mapping[str, Any]) -> bool:
    if not result.file:
        return True  # checkov named no file: the address alone decides
    places = [row.get("file") or "", row.get("scope") or ""]
    candidates = [result.file, str(PurePosixPath(result.file).parent)]
    return any(_suffix_match(candidate, place) for candidate in candidates for place in places
               if place and candidate not in ("", "."))


def _inside(result: CheckovResult, row: Mapping[str, Any]) -> bool:
    """ephi-lint's outcome points at a line of the block checkov's result covers."""
    return bool(result.file and result.start_line and row.get("file")) \
        and _suffix_match(result.file, row["file"]) \
        and result.start_line <= int(row.get("line") or 0) <= result.end_line


def scanned_file(file: str, scanned: Sequence[str]) -> str:
    """checkov's path as the scan shows it: the one scanned file that it ends with, or
    that ends with it (whole components), else unchanged. checkov writes paths relative
    to its -d folder or to the working folder, and its Kubernetes runner repeats a
    relative -d folder (`-d examples/` gives examples/examples/job.yaml)."""
    if not file or file in scanned:
        return file
    matches = [path for path in scanned if _suffix_match(file, path)]
    return matches[0] if len(matches) == 1 else file


def _suffix_match(first: str, second: str) -> bool:
    """One path ends with the other, by whole components (roots may differ)."""
    a, b = PurePosixPath(first).parts, PurePosixPath(second).parts
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return bool(shorter) and longer[len(longer) - len(shorter):] == shorter


def results_json(results: Iterable[CheckovResult]) -> list[dict[str, Any]]:
    """The JSON `checkov` list (and what the HTML report reads)."""
    return [{"check_id": result.check_id, "check_name": result.check_name,
             "status": result.status, "check_type": result.check_type, "file": result.file,
             "line": result.start_line, "end_line": result.end_line,
             "resource": result.address, "hipaa": list(result.hipaa),
             "equivalent_rules": list(result.equivalent_rules), "topic": result.topic,
             "guideline": result.guideline, "skip_reason": result.skip_reason}
            for result in results]


# --- running checkov and reading its skips ------------------------------------------


def run_checkov(directory: Path, timeout: float = CHECKOV_TIMEOUT_SECONDS) -> Any:
    """`checkov -d DIRECTORY -o json` as a separate process; its parsed JSON."""
    executable = shutil.which("checkov")
    if executable is None:
        raise CheckovUnavailable("checkov is not installed (pip install 'ephi-lint[checkov]')")
    try:
        completed = subprocess.run(
            [executable, "-d", str(directory), "-o", "json", "--skip-download", "--compact"],
            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
            check=False)
    except subprocess.TimeoutExpired:
        raise CheckovUnavailable(f"checkov did not finish within {timeout:g}s") from None
    try:  # exit 1 only means checkov found failures
        return json.loads(completed.stdout)
    except ValueError:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise CheckovUnavailable(f"checkov exited {completed.returncode} without JSON: "
                                 f"{last[:200]}") from None


def checkov_skips(text: str) -> list[tuple[int, str, str]]:
    """(line, check id, reason) for every `checkov:skip=ID:reason` in a comment (`#` or
    `//`), in line order. A skip without a reason has reason "": the caller reports it
    instead of suppressing. checkov applies a skip to the whole resource block holding
    the comment; the caller decides where it attaches."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "skip=" not in line:
            continue
        comment = _COMMENT.search(line)
        if comment is None:
            continue
        for match in _SKIP.finditer(line, comment.end()):
            found.append((number, match.group("id"), (match.group("reason") or "").strip()))
    return found


# The Metadata keys checkov reads a CloudFormation resource's skips from.
_METADATA_KEYS = ("checkov", "bridgecrew")


def checkov_metadata_skips(text: str, json_mode: bool = False) -> list[tuple[int, str, str]]:
    """(line, check id, reason) for every skip a CloudFormation template writes in a
    resource's Metadata, as checkov reads them: `checkov.skip` and `bridgecrew.skip`,
    lists of `{id, comment}`. The line is the entry's `id`, inside the resource, so the
    skip covers that resource as a comment there would. An entry without a comment has
    reason "" (checkov records "No comment provided"; here it is refused and reported);
    one without an id is ignored, as checkov ignores it. A template that does not load
    gives [] (the scan has reported it already)."""
    from linter.parsers.yaml_source import DocumentError, load_documents
    from linter.values import ConfigNode

    try:
        documents = load_documents(text, json_mode=json_mode)
    except DocumentError:
        return []
    found = []
    for document in documents:
        resources = document.get("Resources") if isinstance(document, ConfigNode) else None
        if not isinstance(resources, ConfigNode):
            continue
        for _, body in resources.items():
            metadata = body.get("Metadata") if isinstance(body, ConfigNode) else None
            if not isinstance(metadata, ConfigNode):
                continue
            for key in _METADATA_KEYS:
                section = metadata.get(key)
                entries = section.get("skip") if isinstance(section, ConfigNode) else None
                for entry in entries if isinstance(entries, list) else []:
                    check_id = entry.get("id") if isinstance(entry, ConfigNode) else None
                    if not isinstance(check_id, str) or not check_id.strip():
                        continue
                    comment = entry.get("comment")
                    reason = comment.strip() if isinstance(comment, str) else ""
                    found.append((entry.line_of("id") or entry.line, check_id.strip(), reason))
    return sorted(found)
