"""docs/rules.md and docs/rules/ID.md are generated from the rule files; a stale page fails
the suite."""

from __future__ import annotations

from linter.docs import render_all
from linter.engine import catalogue_directory, load_rules
from tests.conftest import REPOSITORY

DOCS = REPOSITORY / "docs"


def test_rule_pages_are_up_to_date() -> None:
    pages = render_all(load_rules([catalogue_directory("rules")]))
    stale = [name for name, text in pages.items()
             if not (DOCS / name).is_file() or (DOCS / name).read_text(encoding="utf-8") != text]
    extra = sorted(str(path.relative_to(DOCS)) for path in (DOCS / "rules").glob("*.md")
                   if str(path.relative_to(DOCS)) not in pages)
    assert (stale, extra) == ([], []), "docs are stale: run python -m linter.docs docs/"


def test_every_rule_has_a_page_with_examples_and_fix() -> None:
    rules = load_rules([catalogue_directory("rules")])
    pages = render_all(rules)
    for rule in rules:
        page = pages[f"rules/{rule.id}.md"]
        assert page.splitlines()[2] == f"# {rule.id}: {rule.title}"
        for heading in ("## Why it matters", "## Failing example", "## Passing example",
                        "## Fix"):
            assert heading in page, f"{rule.id}: no {heading!r}"
        assert f"| [{rule.id}](rules/{rule.id}.md) |" in pages["rules.md"]


def test_pages_are_small_enough_to_read() -> None:
    pages = render_all(load_rules([catalogue_directory("rules")]))
    assert len(pages["rules.md"]) < 60_000  # about 250 one-line rows
    largest = max(pages.items(), key=lambda item: len(item[1]))
    assert len(largest[1]) < 60_000, largest[0]


def test_cloudformation_parity_lists_every_aws_rule_without_a_template_form() -> None:
    """docs/cloudformation-parity.md names, with the reason, every AWS rule judged in
    Terraform but not in CloudFormation; a new rule without a template form must be added
    there (or given one)."""
    import re

    from linter.engine import supported_formats

    missing = set()
    for rule in load_rules([catalogue_directory("rules")]):
        formats = set().union(*(supported_formats(model) for model in rule.models))
        if any(model.startswith("aws.") for model in rule.models) \
                and "terraform" in formats and "cloudformation" not in formats:
            missing.add(rule.id)
    page = (DOCS / "cloudformation-parity.md").read_text(encoding="utf-8")
    listed = {rule_id for line in page.splitlines() if line.startswith("| ")
              and not line.startswith("| rule") and "aws." in line
              for rule_id in re.findall(r"[A-Z]{3}-\d{3}", line.split("|")[1])}
    assert listed == missing


def test_every_rule_has_a_fix_snippet_for_every_format_it_judges() -> None:
    from linter.engine import supported_formats

    missing = [(rule.id, fmt) for rule in load_rules([catalogue_directory("rules")])
               for fmt in sorted(set().union(*(supported_formats(model)
                                               for model in rule.models)) - {"pem"})
               if not rule.remediation.get(fmt)]
    assert missing == []
