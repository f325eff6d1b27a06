"""GitLab's SAST report (`artifacts: reports: sast: gl-sast-report.json`), schema 15.0.7.

GitLab shows these in the merge request's security widget and the vulnerability report.
Each open finding is one vulnerability whose first (primary) identifier is the rule id;
one `hipaa` identifier per citation follows. An UNKNOWN outcome is severity `Info`, the
lowest, as it is a SARIF `note`: a setting to review, not a confirmed weakness.
Suppressed and baselined findings are left out (GitLab keeps its own dismissals);
files that could not be scanned become `scan.messages`, and a run that had errors says
`status: failure`.

Version 15.0.7 is the newest 15.0 schema: every GitLab release since 15.0 accepts it
(tests/gitlab/ holds the published schema the tests validate against).
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from linter import __version__
from linter.engine import Outcome
from linter.report import ScanReport
from linter.report.live_place import in_no_file
from linter.status import Status

SCHEMA_VERSION = "15.0.7"
SCHEMA_URI = ("https://gitlab.com/gitlab-org/security-products/security-report-schemas/"
              f"-/raw/v{SCHEMA_VERSION}/dist/sast-report-format.json")
_SEVERITIES = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low"}
# The regulation's text, section by section (164.312 for 164.312(a)(2)(iv)).
HIPAA_URI = "https://www.ecfr.gov/current/title-45/section-{section}"
# Field limits of the schema: a longer value fails the whole report.
_MAX_NAME, _MAX_SOLUTION = 255, 7000
_ANALYZER = {"id": "ephi-lint", "name": "ephi-lint", "version": __version__,
             "vendor": {"name": "ephi-lint"},
             "url": "https://github.com/ephi-lint/ephi-lint"}
# Stable vulnerability ids: the same finding keeps its id from one pipeline to the next.
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/ephi-lint/ephi-lint")


def render(report: ScanReport) -> str:
    return json.dumps(build(report), indent=2) + "\n"


def build(report: ScanReport) -> dict[str, Any]:
    started, finished = _times(report)
    used: set[str] = set()
    return {
        "version": SCHEMA_VERSION,
        "schema": SCHEMA_URI,
        "scan": {
            "analyzer": _ANALYZER,
            "scanner": _ANALYZER,
            "type": "sast",
            "start_time": started,
            "end_time": finished,
            "status": "failure" if report.exit_code == 2 else "success",
            "messages": _messages(report),
            # Every rule that ran: GitLab resolves a rule's vulnerabilities when it is gone.
            "primary_identifiers": [_rule_identifier(rule) for rule in report.result.rules],
        },
        "vulnerabilities": [_vulnerability(outcome, used) for outcome in report.findings],
    }


def _times(report: ScanReport) -> tuple[str, str]:
    """`yyyy-mm-ddThh:mm:ss` in UTC, from the provenance when it was collected."""
    record = report.provenance or {}
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    started = str(record.get("started") or now)[:19]
    finished = str(record.get("finished") or now)[:19]
    return started, finished


def _rule_identifier(rule: Any) -> dict[str, str]:
    from linter.report.sarif import rule_page

    identifier = {"type": "ephi_lint_rule_id", "name": f"ephi-lint {rule.id}",
                  "value": rule.id}
    page = rule_page(rule)
    if page and page.startswith(("https://", "http://")):
        identifier["url"] = page
    return identifier


def _hipaa_identifier(citation: str) -> dict[str, str]:
    section = citation.split("(", 1)[0]
    return {"type": "hipaa", "name": f"HIPAA 45 CFR {citation}", "value": citation,
            "url": HIPAA_URI.format(section=section)}


def _location(outcome: Outcome) -> dict[str, Any]:
    """The file and lines; a live resource no file declares has its virtual path and no
    line (GitLab's schema requires neither), its ARN and account in the description."""
    location = outcome.location
    place = in_no_file(outcome)
    if place is not None:
        return {"file": location.path, "class": place.full}
    return {"file": location.path, "start_line": location.start_line,
            "end_line": max(location.end_line, location.start_line)}


def _vulnerability(outcome: Outcome, used: set[str]) -> dict[str, Any]:
    rule = outcome.rule
    unknown = outcome.status is Status.UNKNOWN
    vulnerability: dict[str, Any] = {
        "id": _unique_id(outcome, used),
        "category": "sast",
        "name": rule.title[:_MAX_NAME],
        "description": f"{outcome.message}\n\n{rule.rationale}",
        "severity": "Info" if unknown else _SEVERITIES[rule.severity],
        "solution": rule.remediation["summary"][:_MAX_SOLUTION],
        "location": _location(outcome),
        "identifiers": [_rule_identifier(rule),
                        *(_hipaa_identifier(citation) for citation in rule.hipaa)],
        "details": _details(outcome),
    }
    links = [{"url": reference} for reference in rule.references
             if reference.startswith(("https://", "http://"))]
    if links:
        vulnerability["links"] = links
    return vulnerability


def _unique_id(outcome: Outcome, used: set[str]) -> str:
    """A UUID from the finding's fingerprint (rule, resource, attribute path), so it
    survives line moves; made unique within the report if two findings share one."""
    seed = outcome.fingerprint
    identifier = str(uuid.uuid5(_ID_NAMESPACE, seed))
    counter = 1
    while identifier in used:
        counter += 1
        identifier = str(uuid.uuid5(_ID_NAMESPACE, f"{seed}#{counter}"))
    used.add(identifier)
    return identifier


def _details(outcome: Outcome) -> dict[str, Any]:
    details = {
        "outcome": {"name": "Outcome", "type": "text", "value": outcome.status.value},
        "resource": {"name": "Resource", "type": "text", "value": outcome.resource.address},
        "resource_type": {"name": "Resource type", "type": "text",
                          "value": outcome.resource.source_type},
    }
    if outcome.attribute:
        details["attribute"] = {"name": "Attribute", "type": "text", "value": outcome.attribute}
    return details


def _messages(report: ScanReport) -> list[dict[str, str]]:
    """Files not scanned (`warn`: the scan went on without them) and exception notices."""
    messages = [{"level": "warn" if problem.level == "error" else "info",
                 "value": f"{problem.where}: {problem.reason}"}
                for problem in report.listed_problems]
    messages += [{"level": "warn", "value": f"{outcome.rule.id}: {outcome.message}"}
                 for outcome in report.rule_errors]
    messages += [{"level": "info", "value": f"{notice.path}:{notice.line}: {notice.kind}: "
                                            f"{notice.message}"}
                 for notice in report.notices]
    return messages
