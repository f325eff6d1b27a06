"""Output formats. Each module renders a ScanReport; none of them judges anything."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from linter.discover import FileProblem
from linter.engine import SEVERITIES, Outcome
from linter.pipeline import ScanResult
from linter.status import Status
from linter.suppress import Notice

SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
_OPEN = (Status.FAIL, Status.UNKNOWN)
_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


@dataclass
class ScanReport:
    """What the outputs show: the scan plus the user's threshold, exceptions and baseline."""

    result: ScanResult
    threshold: str = "low"
    fail_on_unknown: bool = False
    notices: list[Notice] = field(default_factory=list)  # about suppressions and waivers
    baseline: frozenset[str] = frozenset()  # fingerprints already known (--baseline)
    # pre-commit: report only findings located in these files (None: everywhere).
    report_paths: frozenset[str] | None = None
    parse_errors: str = "report"  # report | strict | quiet (config `parse_errors`)
    soft_fail: bool = False  # --soft-fail: findings exit 0; an error still exits 2
    include_passed: bool = False  # --include-passed: JSON carries the inventory
    roots: tuple[str, ...] = ()  # scanned paths as displayed
    provenance: dict[str, Any] | None = None  # linter.provenance.collect()
    checkov: list[dict[str, Any]] | None = None  # checkov_results.results_json(kept)

    def at_threshold(self, outcome: Outcome) -> bool:
        return _RANK[outcome.rule.severity] >= _RANK[self.threshold]

    def _memo(self, name: str, compute: Callable[[], list[Outcome]]) -> list[Outcome]:
        """A list derived from the outcomes, made once while nothing it depends on
        changed (the outputs ask for the findings several times; a CLI sets the baseline
        or paths after making the report, which makes them anew)."""
        outcomes = self.result.outcomes
        key = (id(outcomes), len(outcomes), self.threshold, self.baseline, self.report_paths)
        memo = self.__dict__.setdefault("_memos", {})
        if name not in memo or memo[name][0] != key:
            memo[name] = (key, compute())
        return memo[name][1]

    def in_scope(self, outcome: Outcome) -> bool:
        return self.report_paths is None or outcome.location.path in self.report_paths \
            or outcome.resource.location.path in self.report_paths

    def _shown(self, outcome: Outcome) -> bool:
        return outcome.status in _OPEN and self.at_threshold(outcome) and self.in_scope(outcome)

    @staticmethod
    def _ordered(outcomes: list[Outcome]) -> list[Outcome]:
        return sorted(outcomes, key=lambda outcome: (outcome.location.path,
                                                     outcome.location.start_line,
                                                     outcome.rule.id, outcome.resource.address,
                                                     outcome.element))

    @property
    def findings(self) -> list[Outcome]:
        """Open FAIL and UNKNOWN outcomes at or above the threshold, in file and line order:
        neither suppressed nor in the baseline. These gate the exit code."""
        return self._memo("findings", lambda: self._ordered([
            outcome for outcome in self.result.outcomes
            if self._shown(outcome) and outcome.suppression is None
            and not (self.baseline and outcome.fingerprint in self.baseline)]))

    @property
    def suppressed(self) -> list[Outcome]:
        """Findings a justified exception covers: still reported, never dropped."""
        return self._memo("suppressed", lambda: self._ordered([
            outcome for outcome in self.result.outcomes
            if self._shown(outcome) and outcome.suppression is not None]))

    @property
    def baselined(self) -> list[Outcome]:
        if not self.baseline:  # no fingerprint to make (a SHA-256 each)
            return []
        return [outcome for outcome in self.result.outcomes
                if self._shown(outcome) and outcome.suppression is None
                and outcome.fingerprint in self.baseline]

    @property
    def rule_errors(self) -> list[Outcome]:
        return [outcome for outcome in self.result.outcomes if outcome.status is Status.ERROR]

    @property
    def problems(self) -> list[FileProblem]:
        """Files that could not be scanned; `strict` makes warnings errors (exit 2)."""
        if self.parse_errors == "strict":
            return [dataclasses.replace(problem, level="error")
                    for problem in self.result.problems]
        return list(self.result.problems)

    @property
    def listed_problems(self) -> list[FileProblem]:
        """`quiet` only counts warnings; errors are always listed."""
        if self.parse_errors == "quiet":
            return [problem for problem in self.problems if problem.level == "error"]
        return self.problems

    @property
    def errors(self) -> list[FileProblem]:
        return [problem for problem in self.problems if problem.level == "error"]

    def count(self, status: Status, visible_only: bool = True) -> int:
        if status in _OPEN and visible_only:
            return sum(1 for outcome in self.findings if outcome.status is status)
        return sum(1 for outcome in self.result.outcomes if outcome.status is status
                   and (not visible_only or self.at_threshold(outcome)))

    @property
    def below_threshold(self) -> int:
        return sum(1 for outcome in self.result.outcomes
                   if outcome.status in _OPEN and self.in_scope(outcome)
                   and not self.at_threshold(outcome))

    @property
    def error_count(self) -> int:
        return len(self.errors) + len(self.rule_errors)

    @property
    def exit_code(self) -> int:
        if self.errors or self.rule_errors:
            return 2  # an error is never masked, whatever else the run found
        if self.soft_fail:
            return 0
        gating = {Status.FAIL, Status.UNKNOWN} if self.fail_on_unknown else {Status.FAIL}
        return 1 if any(outcome.status in gating for outcome in self.findings) else 0


Renderer = Callable[[ScanReport], str]


def tls13_coverage(result: ScanResult) -> dict[str, int]:
    """TLS endpoints whose policy was judged, and how many of them offer TLS 1.3."""
    endpoints: dict[tuple[str, str, str], bool] = {}
    for outcome in result.outcomes:
        facts = dict(outcome.facts)
        if "tls13" in facts:
            key = (outcome.resource.scope, outcome.resource.address, outcome.element)
            endpoints[key] = endpoints.get(key, False) or bool(facts["tls13"])
    return {"tls_endpoints_judged": len(endpoints),
            "tls_1_3_available": sum(endpoints.values())}
