"""docs/rules.md is generated from the rule files; a stale page fails the suite."""

from __future__ import annotations

from linter.docs import render
from linter.engine import catalogue_directory, load_rules
from tests.conftest import REPOSITORY


def test_rules_page_is_up_to_date() -> None:
    expected = render(load_rules([catalogue_directory("rules")]))
    committed = (REPOSITORY / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == expected, "docs/rules.md is stale: run python -m linter.docs docs/rules.md"


def test_every_rule_has_a_section_with_examples_and_fix() -> None:
    text = render(load_rules([catalogue_directory("rules")]))
    for rule in load_rules([catalogue_directory("rules")]):
        section = text.split(f"\n## {rule.id}\n", 1)[1].split("\n## ", 1)[0]
        for heading in ("### Why it matters", "### Failing example", "### Passing example",
                        "### Fix"):
            assert heading in section, f"{rule.id}: no {heading!r}"
