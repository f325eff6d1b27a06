"""Machine-readable JSON: every finding with its rule, resource, location and fingerprint."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from json.encoder import encode_basestring_ascii
from typing import Any

from linter import __version__
from linter.engine import Outcome
from linter.report import ScanReport, tls13_coverage
from linter.report.json_text import indented
from linter.report.live_place import in_no_file, live_place
from linter.status import Status


class _Each(list):  # type: ignore[type-arg]
    """A JSON array made item by item as render_chunks reaches it, so the report never
    holds every finding's record at once."""

    def __init__(self, items: Any, make: Any) -> None:
        super().__init__()
        self._items, self._make = items, make

    def __iter__(self) -> Any:
        return (self._make(item) for item in self._items)

    def __len__(self) -> int:
        return len(self._items)


def render(report: ScanReport) -> str:
    return "".join(render_chunks(report))


def render_chunks(report: ScanReport) -> Iterator[str]:
    """The JSON report as pieces of text, in order (large scans write them as they come:
    a 20,000-file report is never one string): json.dumps(document, indent=2), with a
    finding a piece."""
    document = _document(report)
    opening = "{\n  "
    for key, value in document.items():
        yield opening + encode_basestring_ascii(key) + ": "
        opening = ",\n  "
        if isinstance(value, _Each) and len(value):
            item_opening = "[\n    "
            for item in value:
                yield item_opening + indented(item, 2)
                item_opening = ",\n    "
            yield "\n  ]"
        else:
            yield indented(value, 1)
    yield "\n}\n"


def _document(report: ScanReport) -> dict[str, Any]:
    result = report.result
    document: dict[str, Any] = {
        "tool": "ephi-lint",
        "version": __version__,
        "summary": {
            "failed": report.count(Status.FAIL),
            "unknown": report.count(Status.UNKNOWN),
            "passed": report.count(Status.PASS, visible_only=False),
            "suppressed": len(report.suppressed),
            "in_baseline": len(report.baselined),
            "notices": len(report.notices),
            "errors": report.error_count,
            "below_threshold": report.below_threshold,
            "threshold": report.threshold,
            "rules": len(result.rules),
            "resources": result.resources,
            "files_scanned": result.files_scanned,
            "files_unrecognised": result.files_unrecognised,
            # Left out on purpose: by .gitignore, --skip-path (paths; a folder counts
            # once) and --framework (files).
            "skipped": dict(sorted(result.skipped.items())),
            "seconds": round(result.seconds, 3),
            "exit_code": report.exit_code,
            "coverage": tls13_coverage(result),
        },
        "findings": _Each(report.findings, finding),
        # Suppressed findings keep their place in the record, with who allowed them and why.
        "suppressed": _Each(report.suppressed, finding),
        "notices": [dataclasses.asdict(notice) for notice in report.notices],
        "problems": [
            {"file": problem.path, "level": problem.level, "reason": problem.reason,
             **({"line": problem.line} if problem.line else {})}
            for problem in report.listed_problems
        ] + [
            {"file": outcome.location.path, "level": "error", "reason": outcome.message}
            for outcome in report.rule_errors
        ],
    }
    if hasattr(result, "units"):
        document["live"] = live_summary(result)
    if report.include_passed:
        from linter.metrics import inventory_json  # here: only --include-passed reads it

        document["inventory"] = inventory_json(result.outcomes, report.roots)
    if report.checkov is not None:
        document["checkov"] = report.checkov
    if report.provenance is not None:
        document["provenance"] = report.provenance
    return document


def live_summary(result: Any) -> dict[str, Any]:
    """What a live scan read: each account/Region/service, and the API calls it made.

    Auditors need to see what was assessed as much as what failed: a service that could
    not be read is listed here as "not assessed" with the reason, never left out.
    """
    summary: dict[str, Any] = {
        "accounts": sorted({unit.account for unit in result.units if unit.account}),
        "regions": list(result.regions),
        "services": [{
            "account": unit.account, "region": unit.region, "service": unit.service,
            "status": ("not assessed" if unit.problem
                       else "not offered" if unit.skipped else "read"),
            "resources": unit.resources, "seconds": round(unit.seconds, 3),
            **({"reason": unit.problem or unit.skipped}
               if unit.problem or unit.skipped else {}),
        } for unit in sorted(result.units, key=lambda unit: (unit.account, unit.region,
                                                             unit.service))],
        "api_calls": dict(result.api_calls),
        "retries": result.retries,
    }
    # One shard of a sharded scan: its manifest (linter.live.scan.shard_manifest), which
    # `ephi-lint merge` checks so that a missing or failed shard is named, never skipped.
    shard = getattr(result, "shard", None)
    if shard is not None:
        summary["shard"] = shard.as_json()
    return summary


def finding(outcome: Outcome) -> dict[str, Any]:
    """One finding. A live one also names its account, Region and ARN, and `declared`
    says whether `file` and `line` are a real file (its template or state) or the
    virtual path of a resource no file declares."""
    place = live_place(outcome.resource)
    live = {} if place is None else {"account": place.account, "region": place.region,
                                     "arn": place.arn,
                                     "declared": in_no_file(outcome) is None}
    return {
        "rule": outcome.rule.id,
        "title": outcome.rule.title,
        "status": outcome.status.value,
        "severity": outcome.rule.severity,
        "category": outcome.rule.category,
        "hipaa": list(outcome.rule.hipaa),
        "resource": outcome.resource.address,
        "resource_type": outcome.resource.source_type,
        "format": outcome.resource.source_format,
        "element": outcome.element or None,
        "attribute": outcome.attribute or None,
        "file": outcome.location.path,
        "line": outcome.location.start_line,
        "end_line": outcome.location.end_line,
        "message": outcome.message,
        "fix": outcome.rule.remediation["summary"],
        "fingerprint": outcome.fingerprint,
        "suppression": dataclasses.asdict(outcome.suppression) if outcome.suppression else None,
        **({"live": live} if live else {}),
    }
