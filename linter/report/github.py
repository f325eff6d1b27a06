"""GitHub Actions workflow commands: findings show on the pull request's diff without
code scanning. `::error file=F,line=L,endLine=E,title=T::message`.

GitHub shows a limited number of annotations per step, so the most severe come first.
Values are escaped as the runner expects: `%`, CR and LF in the message; also `:` and
`,` in properties, which would otherwise end the property.

A live finding that no file declares is an annotation without file and line (GitHub
shows it on the run's summary), its message led by the account, Region and ARN.
"""

from __future__ import annotations

from linter.engine import SEVERITIES, Outcome
from linter.report import ScanReport
from linter.report.live_place import in_no_file, is_virtual
from linter.report.text import summary
from linter.status import Status

_COMMANDS = {"critical": "error", "high": "error", "medium": "warning", "low": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int) -> str:
    fields = ",".join(f"{key}={escape_property(str(value))}"
                      for key, value in properties.items() if value not in ("", None))
    return f"::{name} {fields}::{escape_data(message)}" if fields \
        else f"::{name}::{escape_data(message)}"


def render(report: ScanReport) -> str:
    lines = []
    ranked = sorted(report.findings, key=lambda outcome: (
        outcome.status is not Status.FAIL, -SEVERITIES.index(outcome.rule.severity)))
    for outcome in ranked:
        lines.append(_finding(outcome))
    for notice in report.notices:
        lines.append(command("warning", notice.message, file=notice.path, line=notice.line,
                             title=f"ephi-lint {notice.kind}"))
    for problem in report.listed_problems:
        if is_virtual(problem.path):  # a live service not read: no file to point at
            lines.append(command("error" if problem.level == "error" else "warning",
                                 f"{problem.where}: {problem.reason}", title="ephi-lint"))
            continue
        lines.append(command("error" if problem.level == "error" else "warning",
                             f"could not be scanned: {problem.reason}", file=problem.path,
                             line=problem.line or "", title="ephi-lint"))
    for outcome in report.rule_errors:
        lines.append(command("error", outcome.message, file="" if in_no_file(outcome)
                             else outcome.location.path, title=f"{outcome.rule.id} (rule error)"))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def _finding(outcome: Outcome) -> str:
    unknown = outcome.status is Status.UNKNOWN
    name = "notice" if unknown else _COMMANDS[outcome.rule.severity]
    message = outcome.message
    if not unknown:
        message += f"\nfix: {outcome.rule.remediation['summary']}"
    location = outcome.location
    place = in_no_file(outcome)
    if place is not None:
        return command(name, f"{place.full}: {message}",
                       title=f"{outcome.rule.id} {outcome.rule.title}")
    return command(name, message, file=location.path, line=location.start_line,
                   endLine=max(location.end_line, location.start_line),
                   title=f"{outcome.rule.id} {outcome.rule.title}")
