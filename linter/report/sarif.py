"""SARIF 2.1.0, shaped for GitHub code scanning.

GitHub rejects a whole upload for one malformed result, so every result carries a
relative artifact URI under %SRCROOT%, a real region, a fingerprint that survives line
moves, and a rule descriptor with help text, tags and security-severity. A clean scan
still writes `results: []`; files that could not be scanned become tool execution
notifications, and a failed scan says so in `executionSuccessful`.

Without noise: an UNKNOWN result is a `note` with a low security-severity of its own
(GitHub would otherwise rank it by its rule's), and a run describes only the rules that
have results (the catalogue is `ephi-lint rules --format sarif`), each pointing at its
own documentation page, so an upload stays small.

A live finding points at the template or state line that declared it, or else at its
virtual path `aws/ACCOUNT/REGION/SERVICE/NAME` (GitHub requires a start line: 1), its
message then ending with its account and Region; its logical location is the ARN, and
its properties name the account, Region and ARN.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from linter import __version__
from linter.engine import SEVERITIES, Outcome, Rule
from linter.explain import SNIPPET_LANGUAGE
from linter.report import SECURITY_SEVERITY, ScanReport
from linter.report.live_place import in_no_file, live_place
from linter.status import Status
from linter.suppress import Suppression

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/ephi-lint/ephi-lint"
RULE_PAGE_URI = INFORMATION_URI + "/blob/v{version}/docs/rules/{rule}.md"
FINGERPRINT_KEY = "ephiLint/v1"
# GitHub ranks a result by its rule's security-severity unless the result carries its
# own: an undecidable setting must not rank as the rule's high or critical.
UNKNOWN_SECURITY_SEVERITY = "2.0"
# Above this many inputs, `artifacts` lists only the files that have results (the
# provenance JSON keeps every input's digest).
MAX_ARTIFACTS = 200
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


def render(report: ScanReport, root: Path, category: str | None = None,
           omit_suppressed: bool = False) -> str:
    """Compact JSON: an upload stays small (baselines, written by linter.merge, are
    indented for review)."""
    return json.dumps(build(report, root, category, omit_suppressed),
                      separators=(",", ":")) + "\n"


def build(report: ScanReport, root: Path, category: str | None = None,
          omit_suppressed: bool = False) -> dict[str, Any]:
    """`omit_suppressed`: leave suppressed results out (--sarif-omit-suppressed); a
    notification says how many."""
    shown = report.findings + ([] if omit_suppressed else report.suppressed)
    kept, cut = within_limit(shown)
    # Each rule with results, its fix shown in the formats its results are written in.
    formats: dict[str, set[str]] = {}
    for outcome in kept:
        formats.setdefault(outcome.rule.id, set()).add(outcome.resource.source_format)
    rules = [rule for rule in report.result.rules if rule.id in formats]
    index = {rule.id: position for position, rule in enumerate(rules)}
    omitted = len(report.suppressed) if omit_suppressed else 0
    invocation = _invocation(report, len(cut), omitted)
    run: dict[str, Any] = {
        "tool": _tool(rules, formats),
        "automationDetails": {"id": f"{category or 'ephi-lint'}/"},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root.absolute().as_uri() + "/"}},
        "columnKind": "utf16CodeUnits",
        "results": [_result(outcome, index) for outcome in kept],
        "invocations": [invocation],
    }
    if report.provenance is not None:
        _add_provenance(run, report.provenance, {outcome.location.path for outcome in kept})
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def catalogue(rules: list[Rule]) -> dict[str, Any]:
    """The whole rule catalogue as a SARIF log with no results (`ephi-lint rules
    --format sarif`): the full descriptors the scan runs leave out."""
    run = {"tool": _tool(rules, {}), "results": [],
           "invocations": [{"executionSuccessful": True}]}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _tool(rules: list[Rule], formats: dict[str, set[str]]) -> dict[str, Any]:
    """`formats`: rule id -> the source formats of its results (none: every snippet)."""
    return {"driver": {
        "name": "ephi-lint",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [_descriptor(rule, formats.get(rule.id, set())) for rule in rules],
    }}


def _add_provenance(run: dict[str, Any], record: dict[str, Any], with_results: set[str]) -> None:
    """When and over what the run was made (linter.provenance): the invocation's times
    and command line, the commit of each scanned root, and each input's SHA-256."""
    from linter.provenance import sarif_artifacts, sarif_invocation, sarif_version_control

    run["invocations"][0].update(sarif_invocation(record))
    version_control = sarif_version_control(record)
    if version_control:
        run["versionControlProvenance"] = version_control
    artifacts = sarif_artifacts(record)
    if len(artifacts) > MAX_ARTIFACTS:
        artifacts = [artifact for artifact in artifacts
                     if artifact["location"]["uri"] in with_results]
    for artifact in artifacts:  # percent-encoded as the results' URIs are
        artifact["location"] = _artifact(artifact["location"]["uri"])
    if artifacts:
        run["artifacts"] = artifacts


def rule_name(rule: Rule) -> str:
    """PascalCase of the title: SARIF's `name` is an identifier, not a sentence."""
    words = re.findall(r"[A-Za-z0-9]+", rule.title)
    return "".join(word[:1].upper() + word[1:] for word in words)


SNIPPET_FORMATS = ("terraform", "cloudformation", "kubernetes")


def help_markdown(rule: Rule, formats: set[str] | None = None, page: str | None = None) -> str:
    """The rule's help; `formats` limits the fix snippets to the formats the results are
    written in (a live or PEM result, or none given, shows them all). `page`: the rule's
    documentation page, when already known."""
    shown = [fmt for fmt in SNIPPET_FORMATS if fmt in (formats or ())] or list(SNIPPET_FORMATS)
    parts = [f"**{rule.title}** ({rule.severity}, {rule.category})", "", rule.rationale, "",
             "HIPAA Security Rule: " + ", ".join(f"45 CFR {citation}" for citation in rule.hipaa),
             "", f"**Fix:** {rule.remediation['summary']}"]
    for fmt in shown:
        snippet = rule.remediation.get(fmt)
        if snippet:
            language = SNIPPET_LANGUAGE[fmt]
            parts += ["", f"{fmt.capitalize()}:", f"```{language}", snippet.rstrip(), "```"]
    if rule.limits:
        parts += ["", f"Known limits: {rule.limits}"]
    page = rule_page(rule) if page is None else page
    if page and rule.references and page != rule.references[0]:
        # The rule's page lists them: an upload carries one link instead of the list.
        parts += ["", f"References and examples in every format: [{rule.id}]({page})"]
    elif rule.references:
        parts += ["", "References:"] + [f"- {reference}" for reference in rule.references]
    return "\n".join(parts)


def _descriptor(rule: Rule, formats: set[str]) -> dict[str, Any]:
    # The plain-text help is the fallback of viewers without Markdown: the rationale is
    # already the fullDescription, so it is not repeated here.
    help_uri = rule_page(rule)
    text = (f"HIPAA: {', '.join(rule.hipaa)}\nFix: {rule.remediation['summary']}"
            + (f"\nMore: {help_uri}" if help_uri else ""))
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule_name(rule),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": text, "markdown": help_markdown(rule, formats, help_uri or "")},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {
            "tags": ["security", rule.category, "hipaa", *(f"HIPAA-{c}" for c in rule.hipaa)],
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": "high",
            "problem.severity": "error" if rule.severity in ("critical", "high") else "warning",
            "hipaa": list(rule.hipaa),
        },
    }
    if help_uri:
        descriptor["helpUri"] = help_uri
    return descriptor


def rule_page(rule: Rule) -> str | None:
    """The rule's own page (docs/rules/ID.md, generated for every catalogue rule) at this
    release; a rule of the user's own (--rules) has its first reference, if any."""
    from linter.engine import catalogue_directory

    shipped = catalogue_directory("rules").resolve()
    if rule.path and shipped in Path(rule.path).resolve().parents:
        return RULE_PAGE_URI.format(version=__version__, rule=quote(rule.id))
    return rule.references[0] if rule.references else None


def _artifact(path: str) -> dict[str, Any]:
    return {"uri": quote(path, safe="/-_.~"), "uriBaseId": "%SRCROOT%"}


def _result(outcome: Outcome, index: dict[str, int]) -> dict[str, Any]:
    unknown = outcome.status is Status.UNKNOWN
    location = outcome.location
    # GitHub rejects a result without region.startLine (GH1003, GH1004): a live resource
    # no file declares keeps line 1 of its virtual path, and its message says where it is.
    physical: dict[str, Any] = {"artifactLocation": _artifact(location.path),
                                "region": {"startLine": location.start_line,
                                           "endLine": max(location.end_line,
                                                          location.start_line)}}
    place = in_no_file(outcome)
    message = f"{outcome.message} ({place.label})" if place else outcome.message
    result: dict[str, Any] = {
        "ruleId": outcome.rule.id,
        "ruleIndex": index[outcome.rule.id],
        "level": "note" if unknown else _LEVELS[outcome.rule.severity],
        "kind": "review" if unknown else "fail",
        "message": {"text": message},
        "locations": [{
            "physicalLocation": physical,
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
    place = live_place(outcome.resource)
    if place is not None:
        result["properties"].update(account=place.account, region=place.region, arn=place.arn)
    if unknown:
        result["properties"]["security-severity"] = UNKNOWN_SECURITY_SEVERITY
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


def _invocation(report: ScanReport, cut: int, omitted: int = 0) -> dict[str, Any]:
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
    if omitted:
        notifications.append({
            "level": "note",
            "message": {"text": f"{omitted} suppressed results were left out "
                                "(--sarif-omit-suppressed); the JSON report lists them with "
                                "their justifications"},
            "descriptor": {"id": "suppressed-results-omitted"},
        })
    return {
        "executionSuccessful": report.exit_code != 2,
        "toolExecutionNotifications": notifications,
    }
