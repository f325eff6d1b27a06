"""A Markdown job summary (`$GITHUB_STEP_SUMMARY`, merge-request notes): counts per
HIPAA citation and severity, then the findings and the exceptions."""

from __future__ import annotations

from collections import Counter

from linter.engine import SEVERITIES, Outcome
from linter.report import ScanReport
from linter.report.live_place import in_no_file, where
from linter.report.text import summary
from linter.status import Status

# A GitHub step summary is limited to 1 MiB; the counts above the cut stay exact.
MAX_ROWS = 500
_COLUMNS = (*reversed(SEVERITIES), "unknown", "suppressed")


def cell(text: str) -> str:
    """Table cells: a pipe would end the cell and a newline the row."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _column(outcome: Outcome) -> str:
    if outcome.suppression is not None:
        return "suppressed"
    return "unknown" if outcome.status is Status.UNKNOWN else outcome.rule.severity


def _location(outcome: Outcome) -> str:
    """`file:line`, or for a live resource no file declares its account and Region (the
    Resource column holds its ARN)."""
    place = in_no_file(outcome)
    return cell(place.label) if place else f"`{cell(where(outcome))}`"


def render(report: ScanReport) -> str:
    outcomes = report.findings + report.suppressed
    lines = [f"## ephi-lint: {summary(report)}", ""]
    counts: dict[str, Counter[str]] = {}
    for outcome in outcomes:
        for citation in outcome.rule.hipaa:
            counts.setdefault(citation, Counter())[_column(outcome)] += 1
    if counts:
        lines += ["| HIPAA citation (45 CFR) | " + " | ".join(_COLUMNS) + " |",
                  "| --- |" + " ---: |" * len(_COLUMNS)]
        for citation in sorted(counts):
            lines.append(f"| {citation} | " + " | ".join(
                str(counts[citation][column]) for column in _COLUMNS) + " |")
        lines.append("")
    if report.findings:
        lines += ["### Findings", "", "| Severity | Rule | Resource | Location | Message |",
                  "| --- | --- | --- | --- | --- |"]
        for outcome in report.findings[:MAX_ROWS]:
            lines.append(f"| {_column(outcome)} | {outcome.rule.id} | "
                         f"`{cell(outcome.resource.address)}` | "
                         f"{_location(outcome)} | "
                         f"{cell(outcome.message)} |")
        if len(report.findings) > MAX_ROWS:
            lines.append(f"\n{len(report.findings) - MAX_ROWS} more findings not listed "
                         "(see the SARIF or JSON report).")
        lines.append("")
    if report.suppressed:
        lines += ["### Suppressed (documented exceptions)", "",
                  "| Rule | Resource | Justification | Where |", "| --- | --- | --- | --- |"]
        for outcome in report.suppressed[:MAX_ROWS]:
            exception = outcome.suppression
            lines.append(f"| {outcome.rule.id} | `{cell(outcome.resource.address)}` | "
                         f"{cell(exception.justification)} | `{cell(exception.source)}` |")
        lines.append("")
    if report.notices:
        lines += ["### Exceptions to review", ""]
        lines += [f"- `{cell(notice.path)}:{notice.line}` {notice.kind}: {cell(notice.message)}"
                  for notice in report.notices]
        lines.append("")
    problems = report.listed_problems
    if problems or report.rule_errors:
        lines += ["### Could not be scanned", ""]
        lines += [f"- {problem.level}: `{cell(problem.where)}`: {cell(problem.reason)}"
                  for problem in problems]
        lines += [f"- error: {cell(outcome.message)}" for outcome in report.rule_errors]
        lines.append("")
    return "\n".join(lines)
