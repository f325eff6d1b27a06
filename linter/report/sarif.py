"""SARIF 2.1.0, shaped for GitHub code scanning.

GitHub rejects a whole upload for one malformed result, so every result carries a
relative artifact URI under %SRCROOT%, a real region, a fingerprint that survives line
moves, and a rule descriptor with help text, tags and security-severity. A clean scan
still writes `results: []`; files that could not be scanned become tool execution
notifications, and a failed scan says so in `executionSuccessful`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from linter import __version__
from linter.conditions import Status
from linter.engine import SEVERITIES, Outcome, Rule
from linter.explain import SNIPPET_LANGUAGE
from linter.report import SECURITY_SEVERITY, ScanReport
from linter.suppress import Suppression

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/ephi-lint/ephi-lint"
FINGERPRINT_KEY = "ephiLint/v1"
_LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
# GitHub code scanning accepts at most 25,000 results per run and drops the rest
# silently; we cut first, lowest severity first, and say so in a notification.
MAX_RESULTS = 25_000


def within_limit(outcomes: list[Outcome]) -> tuple[list[Outcome], list[Outcome]]:
    """(kept in their original order, cut). Open findings outrank suppressed ones, FAIL
    outranks UNKNOWN, then severity decides."""
    if len(outcomes) <= MAX_RESULTS:
        return outcomes, []
    ranked = sorted(range(len(outcomes)), key=lambda position: (
        outcomes[position].suppression is not None,
        outcomes[position].status is not Status.FAIL,
        -SEVERITIES.index(outcomes[position].rule.severity), position))
    keep = set(ranked[:MAX_RESULTS])
    return ([outcome for position, outcome in enumerate(outcomes) if position in keep],
            [outcome for position, outcome in enumerate(outcomes) if position not in keep])


def render(report: ScanReport, root: Path, category: str | None = None) -> str:
    return json.dumps(build(report, root, category), indent=2) + "\n"


def build(report: ScanReport, root: Path, category: str | None = None) -> dict[str, Any]:
    rules = report.result.rules
    index = {rule.id: position for position, rule in enumerate(rules)}
    kept, cut = within_limit(report.findings + report.suppressed)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "ephi-lint",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [_descriptor(rule) for rule in rules],
        }},
        "automationDetails": {"id": f"{category or 'ephi-lint'}/"},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root.absolute().as_uri() + "/"}},
        "columnKind": "utf16CodeUnits",
        "results": [_result(outcome, index) for outcome in kept],
        "invocations": [_invocation(report, len(cut))],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def rule_name(rule: Rule) -> str:
    """PascalCase of the title: SARIF's `name` is an identifier, not a sentence."""
    words = re.findall(r"[A-Za-z0-9]+", rule.title)
    return "".join(word[:1].upper() + word[1:] for word in words)


def help_markdown(rule: Rule) -> str:
    parts = [f"**{rule.title}** ({rule.severity}, {rule.category})", "", rule.rationale, "",
             "HIPAA Security Rule: " + ", ".join(f"45 CFR {citation}" for citation in rule.hipaa),
             "", f"**Fix:** {rule.remediation['summary']}"]
    for fmt in ("terraform", "cloudformation", "kubernetes"):
        snippet = rule.remediation.get(fmt)
        if snippet:
            language = SNIPPET_LANGUAGE[fmt]
            parts += ["", f"{fmt.capitalize()}:", f"```{language}", snippet.rstrip(), "```"]
    if rule.limits:
        parts += ["", f"Known limits: {rule.limits}"]
    if rule.references:
        parts += ["", "References:"] + [f"- {reference}" for reference in rule.references]
    return "\n".join(parts)


def _descriptor(rule: Rule) -> dict[str, Any]:
    text = (f"{rule.rationale}\n\nHIPAA: {', '.join(rule.hipaa)}\n"
            f"Fix: {rule.remediation['summary']}")
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule_name(rule),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": text, "markdown": help_markdown(rule)},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {
            "tags": ["security", rule.category, "hipaa", *(f"HIPAA-{c}" for c in rule.hipaa)],
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": "high",
            "problem.severity": "error" if rule.severity in ("critical", "high") else "warning",
            "hipaa": list(rule.hipaa),
        },
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    return descriptor


def _artifact(path: str) -> dict[str, Any]:
    return {"uri": quote(path, safe="/-_.~"), "uriBaseId": "%SRCROOT%"}


def _result(outcome: Outcome, index: dict[str, int]) -> dict[str, Any]:
    unknown = outcome.status is Status.UNKNOWN
    location = outcome.location
    result: dict[str, Any] = {
        "ruleId": outcome.rule.id,
        "ruleIndex": index[outcome.rule.id],
        "level": "note" if unknown else _LEVELS[outcome.rule.severity],
        "kind": "review" if unknown else "fail",
        "message": {"text": outcome.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": _artifact(location.path),
                "region": {"startLine": location.start_line,
                           "endLine": max(location.end_line, location.start_line)},
            },
            "logicalLocations": [{"fullyQualifiedName": outcome.resource.address,
                                  "kind": "resource"}],
        }],
        "partialFingerprints": {FINGERPRINT_KEY: outcome.fingerprint},
        "properties": {
            "outcome": outcome.status.value,
            "resource": outcome.resource.address,
            "resourceType": outcome.resource.source_type,
            "attribute": outcome.attribute,
            "hipaa": list(outcome.rule.hipaa),
        },
    }
    if outcome.suppression is not None:
        result["suppressions"] = [_suppression(outcome.suppression)]
    return result


def _suppression(suppression: Suppression) -> dict[str, Any]:
    entry: dict[str, Any] = {"kind": suppression.kind, "status": "accepted",
                             "justification": suppression.justification,
                             "properties": {"source": suppression.source}}
    if suppression.kind == "inSource":
        path, _, line = suppression.source.rpartition(":")
        entry["location"] = {"physicalLocation": {"artifactLocation": _artifact(path),
                                                  "region": {"startLine": int(line)}}}
    for key, value in (("compensatingControl", suppression.compensating_control),
                       ("approvedBy", suppression.approved_by),
                       ("expires", suppression.expires)):
        if value:
            entry["properties"][key] = value
    return entry


def _invocation(report: ScanReport, cut: int) -> dict[str, Any]:
    notifications: list[dict[str, Any]] = []
    known_rules = {rule.id for rule in report.result.rules}
    for problem in report.listed_problems:
        place: dict[str, Any] = {"artifactLocation": _artifact(problem.path)}
        if problem.line:
            place["region"] = {"startLine": problem.line}
        notifications.append({
            "level": problem.level,
            "message": {"text": f"{problem.where}: {problem.reason}"},
            "locations": [{"physicalLocation": place}],
            "descriptor": {"id": "file-not-scanned" if problem.level == "error"
                           else "file-skipped"},
        })
    for outcome in report.rule_errors:
        notifications.append({
            "level": "error",
            "message": {"text": outcome.message},
            "descriptor": {"id": "rule-error"},
            "associatedRule": {"id": outcome.rule.id},
        })
    for notice in report.notices:
        notifications.append({
            "level": "warning",
            "message": {"text": notice.message},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(notice.path),
                                                "region": {"startLine": notice.line}}}],
            "descriptor": {"id": notice.kind},
            **({"associatedRule": {"id": notice.rule}} if notice.rule in known_rules else {}),
        })
    if cut:
        notifications.append({
            "level": "warning",
            "message": {"text": f"{cut} results of the lowest severities were left out: "
                                f"GitHub code scanning accepts at most {MAX_RESULTS} results "
                                "per run (use --format json for all of them)"},
            "descriptor": {"id": "results-truncated"},
        })
    return {
        "executionSuccessful": report.exit_code != 2,
        "toolExecutionNotifications": notifications,
    }
