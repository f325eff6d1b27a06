"""Every rule has failing and passing fixtures for every format it supports, and each
fixture yields exactly the findings its `# expect:` marks (or expect.json) name."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from linter.conditions import Status
from linter.engine import catalogue_directory, load_rules, supported_formats
from linter.explain import fixture_format
from linter.pipeline import ScanRequest, scan

RULES = load_rules([catalogue_directory("rules")])
FIXTURES = catalogue_directory("fixtures")
MARK = re.compile(r"#\s*expect(-unknown)?:\s*([A-Z]{3}-\d{3}(?:\s*,\s*[A-Z]{3}-\d{3})*)")


def _fixture_cases() -> list[tuple[str, Path]]:
    cases = []
    for rule in RULES:
        directory = FIXTURES / rule.id
        if directory.is_dir():
            cases += [(rule.id, path) for path in sorted(directory.iterdir())
                      if path.name != "expect.json"]
    return cases


def _expected(path: Path, root: Path) -> set[tuple[str, str, int, str]]:
    expected = set()
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    for file in files:
        if not file.is_file():
            continue
        shown = file.relative_to(root).as_posix()
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            for match in MARK.finditer(line):
                status = "unknown" if match.group(1) else "fail"
                for rule_id in re.split(r"\s*,\s*", match.group(2)):
                    expected.add((rule_id, shown, number, status))
    expect_file = path.parent / "expect.json"
    if expect_file.is_file():
        for item in json.loads(expect_file.read_text()).get(path.name, []):
            expected.add((item["rule"], path.relative_to(root).as_posix(), item["line"],
                          item.get("status", "fail")))
    return expected


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_has_fixtures_for_every_supported_format(rule) -> None:
    formats = set().union(*(supported_formats(model) for model in rule.models))
    if not formats:
        # A live-only rule (models only `ephi-lint aws` builds) is tested against the
        # moto server instead: its id must appear in a tests/test_live_*.py file.
        from linter.live.services import live_models

        assert set(rule.models) <= live_models(), f"{rule.id}: no adapter builds {rule.models}"
        tests = Path(__file__).parent
        assert any(rule.id in path.read_text(encoding="utf-8")
                   for path in tests.glob("test_live_*.py")), \
            f"{rule.id}: a live-only rule needs a test in tests/test_live_*.py"
        return
    directory = FIXTURES / rule.id
    have: dict[str, set[str]] = {"fail": set(), "pass": set()}
    if directory.is_dir():
        for path in directory.iterdir():
            kind = path.name.split(".")[0].split("-")[0]
            fmt = fixture_format(path) or (
                next((fixture_format(inner) for inner in path.rglob("*")
                      if fixture_format(inner)), None) if path.is_dir() else None)
            if kind in have and fmt:
                have[kind].add(fmt)
    for kind in ("fail", "pass"):
        missing = formats - have[kind]
        assert not missing, f"{rule.id}: no {kind}ing fixture for {sorted(missing)}"


@pytest.mark.parametrize("rule_id,path", _fixture_cases(),
                         ids=lambda value: value if isinstance(value, str) else value.name)
def test_fixture_findings_are_exact(rule_id: str, path: Path) -> None:
    root = FIXTURES
    result = scan(ScanRequest(paths=[path], root=root, rules=RULES))
    assert not result.errors, [f"{p.path}: {p.reason}" for p in result.errors]
    rule_errors = [o.message for o in result.outcomes if o.status is Status.ERROR]
    assert not rule_errors
    expected = _expected(path, root)
    judged = {rule_id} | {item[0] for item in expected}
    actual = {(o.rule.id, o.location.path, o.location.start_line, o.status.value)
              for o in result.outcomes
              if o.rule.id in judged and o.status in (Status.FAIL, Status.UNKNOWN)}
    assert actual == expected, _explain_difference(result, judged)
    kind = path.name.split(".")[0].split("-")[0]
    if kind == "fail":
        assert any(item[0] == rule_id and item[3] == "fail" for item in expected), \
            f"{path.name}: a failing fixture must mark at least one {rule_id} finding"
    if kind == "pass":
        assert any(o.rule.id == rule_id and o.status is Status.PASS for o in result.outcomes), \
            f"{path.name}: {rule_id} never evaluated to PASS (did the adapter build the model?)"


def _explain_difference(result, judged: set[str]) -> str:
    return "\n".join(f"{o.status.value} {o.rule.id} {o.location.path}:{o.location.start_line} "
                     f"{o.message}" for o in result.outcomes if o.rule.id in judged)
