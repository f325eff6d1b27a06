"""Output formats. Each module renders a ScanReport; none of them judges anything."""

from __future__ import annotations

from dataclasses import dataclass

from linter.conditions import Status
from linter.engine import SEVERITIES, Outcome
from linter.pipeline import ScanResult

SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


@dataclass
class ScanReport:
    """What the outputs show: the scan plus the user's threshold."""

    result: ScanResult
    threshold: str = "low"
    fail_on_unknown: bool = False

    def at_threshold(self, outcome: Outcome) -> bool:
        return SEVERITIES.index(outcome.rule.severity) >= SEVERITIES.index(self.threshold)

    @property
    def findings(self) -> list[Outcome]:
        """FAIL and UNKNOWN outcomes at or above the threshold, in file and line order."""
        shown = [outcome for outcome in self.result.outcomes
                 if outcome.status in (Status.FAIL, Status.UNKNOWN) and self.at_threshold(outcome)]
        return sorted(shown, key=lambda outcome: (outcome.location.path,
                                                  outcome.location.start_line, outcome.rule.id,
                                                  outcome.resource.address))

    @property
    def rule_errors(self) -> list[Outcome]:
        return [outcome for outcome in self.result.outcomes if outcome.status is Status.ERROR]

    def count(self, status: Status, visible_only: bool = True) -> int:
        return sum(1 for outcome in self.result.outcomes if outcome.status is status
                   and (not visible_only or self.at_threshold(outcome)))

    @property
    def below_threshold(self) -> int:
        return sum(1 for outcome in self.result.outcomes
                   if outcome.status in (Status.FAIL, Status.UNKNOWN)
                   and not self.at_threshold(outcome))

    @property
    def exit_code(self) -> int:
        if self.result.errors or self.rule_errors:
            return 2
        gating = {Status.FAIL, Status.UNKNOWN} if self.fail_on_unknown else {Status.FAIL}
        return 1 if any(outcome.status in gating for outcome in self.findings) else 0
