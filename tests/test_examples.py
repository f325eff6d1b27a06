"""The example stack yields exactly the findings its EXPECTED.md lists: one row per finding,
no finding on the resources it lists as compliant, no UNKNOWN outcome, no file problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.conditions import Status
from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
EXAMPLE = EXAMPLES / "dermatology-practice"
EXPECTED_MD = EXAMPLE / "EXPECTED.md"

FINDINGS_HEADER = "| # |"
COMPLIANT_HEADER = "| File | Compliant resource |"

Finding = tuple[str, str, int, str]  # rule, file relative to the repository root, line, resource


def _table_rows(text: str, header: str) -> list[dict[str, str]]:
    """Rows of every markdown table whose header line starts with `header`, as dicts keyed
    by column name. Cells must not contain `|`."""
    rows: list[dict[str, str]] = []
    columns: list[str] | None = None
    for line in text.splitlines():
        if line.startswith(header):
            columns = [cell.strip() for cell in line.strip().strip("|").split("|")]
        elif columns is not None and line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if set("".join(cells)) <= set("-: "):  # the |---|---| separator
                continue
            assert len(cells) == len(columns), f"EXPECTED.md: wrong number of cells: {line}"
            rows.append(dict(zip(columns, cells)))
        else:
            columns = None
    return rows


def _path(file_cell: str) -> str:
    return (EXAMPLE / file_cell).relative_to(ROOT).as_posix()


def _resource(cell: str) -> str:
    return cell.strip("`")


@pytest.fixture(scope="module")
def expected_text() -> str:
    return EXPECTED_MD.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def result():
    rules = load_rules([catalogue_directory("rules")])
    return scan(ScanRequest(paths=[EXAMPLES], root=ROOT, rules=rules))


def test_scan_has_no_problems_and_only_the_documented_unknown(result) -> None:
    assert result.problems == []
    unknown = [(o.rule.id, o.location.path, o.location.start_line, o.resource.address)
               for o in result.outcomes
               if o.status is not Status.PASS and o.status is not Status.FAIL]
    # EXPECTED.md, "Undecidable from the files": the trail writes to the log-archive
    # account's bucket, which is not in this repository.
    assert unknown == [("LOG-004", "examples/dermatology-practice/terraform/audit.tf", 12,
                        "aws_cloudtrail.organization")]


def test_findings_are_exactly_those_in_expected_md(result, expected_text) -> None:
    rows = _table_rows(expected_text, FINDINGS_HEADER)
    assert rows, "EXPECTED.md has no findings table"
    numbers = [int(row["#"]) for row in rows]
    assert numbers == list(range(1, len(rows) + 1)), "rows are not numbered 1..N"
    expected: list[Finding] = [
        (row["Rule"], _path(row["File"]), int(row["Line"]), _resource(row["Resource"]))
        for row in rows
    ]
    assert len(set(expected)) == len(expected), "EXPECTED.md lists a finding twice"
    actual = {(o.rule.id, o.location.path, o.location.start_line, o.resource.address)
              for o in result.outcomes if o.status is Status.FAIL}
    assert sorted(actual - set(expected)) == [], "findings missing from EXPECTED.md"
    assert sorted(set(expected) - actual) == [], "EXPECTED.md rows the scan no longer reports"


def test_severities_in_expected_md_match_the_rules(result, expected_text) -> None:
    severity = {rule.id: rule.severity for rule in result.rules}
    for row in _table_rows(expected_text, FINDINGS_HEADER):
        assert row["Severity"] == severity[row["Rule"]], f"row {row['#']}"


def test_compliant_resources_have_no_findings(result, expected_text) -> None:
    rows = _table_rows(expected_text, COMPLIANT_HEADER)
    assert rows, "EXPECTED.md has no compliant-resources table"
    outcomes: dict[tuple[str, str], list[str]] = {}
    for outcome in result.outcomes:
        key = (outcome.resource.location.path, outcome.resource.address)
        outcomes.setdefault(key, []).append(outcome.status.value)
    for row in rows:
        key = (_path(row["File"]), _resource(row["Compliant resource"]))
        assert key in outcomes, f"{key}: the scan judges no such resource"
        assert set(outcomes[key]) == {"pass"}, f"{key}: {outcomes[key]}"
