"""Human-readable output, grouped by file; colour only on a terminal (see
linter.report.outputs.use_colour); `quiet` keeps only the findings and the errors.

A live finding that no file declares is grouped under its account and Region and shows
no line number (its ARN is in the message): see linter.report.live_place."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from linter.engine import Outcome
from linter.report import ScanReport
from linter.report.live_place import in_no_file, where
from linter.status import Status

_COLOURS = {"critical": "1;31", "high": "31", "medium": "33", "low": "36", "unknown": "35",
            "path": "1", "dim": "2", "ok": "32", "error": "1;31"}


def render(report: ScanReport, colour: bool = False, quiet: bool = False) -> str:
    def paint(text: str, style: str) -> str:
        return f"\033[{_COLOURS[style]}m{text}\033[0m" if colour else text

    lines: list[str] = []
    for heading, outcomes in groupby(report.findings, key=_group):
        lines.append(paint(heading, "path"))
        for outcome in outcomes:
            unknown = outcome.status is Status.UNKNOWN
            label = "unknown" if unknown else outcome.rule.severity
            line = "" if in_no_file(outcome) else outcome.location.start_line
            lines.append(f"  {line:>5}  {paint(f'{label:<8}', label)} "
                         f"{outcome.rule.id}  {outcome.message}")
            if not unknown:
                lines.append(paint(f"{'':>16}fix: {outcome.rule.remediation['summary']}", "dim"))
        lines.append("")
    if report.suppressed and not quiet:
        lines.append(paint("Suppressed (documented exceptions, not failing the run):", "dim"))
        for outcome in report.suppressed:
            exception = outcome.suppression
            place = in_no_file(outcome)
            lines.append(f"  {place.label if place else where(outcome)}  "
                         f"{outcome.rule.id}  {outcome.resource.address}: "
                         f"{exception.justification} ({exception.source})")
        lines.append("")
    if report.notices and not quiet:
        lines.append(paint("Exceptions to review:", "medium"))
        for notice in report.notices:
            lines.append(f"  {notice.path}:{notice.line}  {notice.kind}: {notice.message}")
        lines.append("")
    problems = report.errors if quiet else report.listed_problems
    if problems or report.rule_errors:
        lines.append(paint("Could not be scanned:", "error"))
        for problem in problems:
            lines.append(f"  {problem.level:<8} {problem.where}: {problem.reason}")
        for outcome in report.rule_errors:
            lines.append(f"  error    {outcome.location.path}: {outcome.message}")
        lines.append("")
    if quiet:
        return "\n".join(lines[:-1]) + "\n" if lines else ""
    lines.append(summary(report, paint))
    return "\n".join(lines) + "\n"


def _group(outcome: Outcome) -> str:
    """A file's findings under its path; a live resource's under `aws account A, REGION`."""
    place = in_no_file(outcome)
    return f"aws {place.label}" if place else outcome.location.path


def _read(result: Any) -> str:
    """What the scan read: files, or for a live scan the services read in its accounts
    and Regions (a live scan reads no file)."""
    units = getattr(result, "units", None)
    if units is None:
        return _count(result.files_scanned, "file")
    accounts = {unit.account for unit in units if unit.account}
    regions = set(getattr(result, "regions", ())) or {unit.region for unit in units}
    return (f"{_count(result.files_scanned, 'service read')} across "
            f"{_count(len(accounts), 'account')} and {_count(len(regions), 'Region')}")


def summary(report: ScanReport, paint: object = None) -> str:
    result = report.result
    failed = report.count(Status.FAIL)
    unknown = report.count(Status.UNKNOWN)
    passed = report.count(Status.PASS, visible_only=False)
    suppressed = f", {len(report.suppressed)} suppressed" if report.suppressed else ""
    text = (f"{failed} failed, {unknown} unknown, {passed} passed{suppressed}: "
            f"{_count(len(result.rules), 'rule')} over {_count(result.resources, 'resource')} "
            f"in {_read(result)} ({result.seconds:.2f}s)")
    extras = []
    if report.baseline:
        extras.append(f"{len(report.baselined)} in the baseline not shown")
    if report.notices:
        extras.append(_count(len(report.notices), "exception notice"))
    if report.below_threshold:
        extras.append(f"{report.below_threshold} below the {report.threshold} threshold not shown")
    for reason, count in sorted(result.skipped.items()):
        noun = "file" if reason == "--framework" else "path"
        extras.append(f"{_count(count, noun)} skipped by {reason}")
    if result.files_unrecognised:
        extras.append(f"{_count(result.files_unrecognised, 'file')} not recognised as "
                      "infrastructure")
    if report.error_count:
        extras.append(_count(report.error_count, "error"))
    if extras:
        text += "; " + "; ".join(extras)
    return text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
