"""The scan pipeline as a whole: parallel parsing changes nothing but the wall time."""

from __future__ import annotations

from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan
from tests.conftest import REPOSITORY

RULES = load_rules([catalogue_directory("rules")])


def _signature(workers: int) -> tuple[list[tuple[str, ...]], list[tuple[str, str]], int]:
    result = scan(ScanRequest(paths=[REPOSITORY / "fixtures", REPOSITORY / "tests" / "hostile"],
                              root=REPOSITORY, rules=RULES, workers=workers))
    outcomes = sorted((o.rule.id, o.status.value, o.location.path, str(o.location.start_line),
                       o.resource.address, o.fingerprint) for o in result.outcomes)
    problems = sorted((problem.path, problem.reason) for problem in result.problems)
    return outcomes, problems, result.files_scanned


def test_parallel_parsing_gives_the_same_result_as_sequential() -> None:
    sequential = _signature(workers=1)
    parallel = _signature(workers=2)
    assert sequential[2] > 24  # enough files for the process pool to be used
    assert parallel == sequential
