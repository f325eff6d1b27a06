"""JUnit XML for CI test reports: one testcase per rule and resource.

A failing testcase carries the finding's message (one line per finding when a rule
fails on several parts of the resource); suppressed, baselined and UNKNOWN outcomes are
skipped testcases that say why; files that could not be scanned and crashing rules are
testcases with an <error>, so the report cannot look green when the run was not.
A live resource that no file declares has no file or line attribute: its testcase is
named by its ARN and its messages say the account and Region.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections import defaultdict

from linter.engine import Outcome
from linter.report import ScanReport
from linter.report.live_place import in_no_file, where
from linter.status import Status


def render(report: ScanReport) -> str:
    baselined = {id(outcome) for outcome in report.baselined}
    shown = {id(outcome) for outcome in report.findings + report.suppressed} | baselined
    cases: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome in report.result.outcomes:
        passed = outcome.status is Status.PASS and report.at_threshold(outcome) \
            and report.in_scope(outcome)
        if passed or id(outcome) in shown:
            cases[(outcome.rule.id, outcome.resource.address)].append(outcome)
    suites = ElementTree.Element("testsuites", name="ephi-lint",
                                 time=f"{report.result.seconds:.3f}")
    by_rule: dict[str, list[tuple[str, list[Outcome]]]] = defaultdict(list)
    for (rule_id, address), outcomes in sorted(cases.items()):
        by_rule[rule_id].append((address, outcomes))
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for rule_id, entries in by_rule.items():
        rule = entries[0][1][0].rule
        suite = ElementTree.SubElement(suites, "testsuite", name=f"{rule_id} {rule.title}")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for address, outcomes in entries:
            _testcase(suite, report, rule_id, address, outcomes, baselined, counts)
        _set_counts(suite, counts, totals)
    problems = [problem for problem in report.problems if problem.level == "error"]
    if problems or report.rule_errors:
        suite = ElementTree.SubElement(suites, "testsuite", name="ephi-lint could not scan")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for problem in problems:
            case = ElementTree.SubElement(suite, "testcase", classname="ephi-lint.files",
                                          name=problem.where, file=problem.path)
            if problem.line:
                case.set("line", str(problem.line))
            ElementTree.SubElement(case, "error", message=problem.reason, type="not-scanned")
            counts["tests"] += 1
            counts["errors"] += 1
        for outcome in report.rule_errors:
            case = ElementTree.SubElement(suite, "testcase", classname=outcome.rule.id,
                                          name=outcome.resource.address,
                                          file=outcome.location.path)
            ElementTree.SubElement(case, "error", message=outcome.message, type="rule-error")
            counts["tests"] += 1
            counts["errors"] += 1
        _set_counts(suite, counts, totals)
    for key, value in totals.items():
        suites.set(key, str(value))
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + \
        ElementTree.tostring(suites, encoding="unicode") + "\n"


def _testcase(suite: ElementTree.Element, report: ScanReport, rule_id: str, address: str,
              outcomes: list[Outcome], baselined: set[int], counts: dict[str, int]) -> None:
    first = min(outcomes, key=lambda outcome: outcome.location.start_line)
    case = ElementTree.SubElement(suite, "testcase", classname=rule_id, name=address)
    if in_no_file(first) is None:
        case.set("file", first.location.path)
        case.set("line", str(first.location.start_line))
    counts["tests"] += 1
    gating = {Status.FAIL, Status.UNKNOWN} if report.fail_on_unknown else {Status.FAIL}
    failing = [outcome for outcome in outcomes if outcome.status in gating
               and outcome.suppression is None and id(outcome) not in baselined]
    if failing:
        detail = "\n".join(f"{where(outcome)}: {outcome.message}" for outcome in failing)
        detail += f"\nfix: {failing[0].rule.remediation['summary']}"
        failure = ElementTree.SubElement(case, "failure", message=failing[0].message,
                                         type=failing[0].rule.severity)
        failure.text = detail
        counts["failures"] += 1
        return
    reasons = []
    for outcome in outcomes:
        if outcome.suppression is not None:
            reasons.append(f"suppressed ({outcome.suppression.source}): "
                           f"{outcome.suppression.justification}")
        elif id(outcome) in baselined:
            reasons.append("in the baseline")
        elif outcome.status is Status.UNKNOWN:
            reasons.append(outcome.message)
    if reasons:
        ElementTree.SubElement(case, "skipped", message="; ".join(reasons))
        counts["skipped"] += 1


def _set_counts(suite: ElementTree.Element, counts: dict[str, int],
                totals: dict[str, int]) -> None:
    for key, value in counts.items():
        suite.set(key, str(value))
        totals[key] += value
