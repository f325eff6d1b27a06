"""The mapping tables (tables/mappings) are valid, name real models and fields, and a
mapped resource is built with its line, default and conversion like a coded adapter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, FormatChecker

from linter.adapters.mapped import mapped_builders, mapping_tables
from linter.conditions import Status
from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan

SCHEMA = json.loads((Path(__file__).parent.parent / "linter" / "schemas" /
                     "mapping.schema.json").read_text(encoding="utf-8"))
RULES = load_rules([catalogue_directory("rules")])


@pytest.mark.parametrize("name", sorted(mapping_tables()))
def test_table_matches_its_schema(name: str) -> None:
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
              for error in Draft7Validator(SCHEMA, format_checker=FormatChecker())
              .iter_errors(mapping_tables()[name])]
    assert errors == []


@pytest.mark.parametrize("fmt", ["terraform", "cloudformation", "aws_live"])
def test_every_mapping_names_a_real_model_and_all_its_fields(fmt: str) -> None:
    mapped_builders(fmt)  # raises MappingError naming the table and source type


def test_a_source_type_has_one_home() -> None:
    """A source type mapped by a table has no coded adapter as well, in the same format
    (two builders would judge one resource twice)."""
    from linter.adapters import collect_builders

    for fmt in ("terraform", "cloudformation"):
        doubled = {source_type for source_type, builders
                   in collect_builders(f"linter.adapters.{fmt}").items()
                   if source_type in mapped_builders(fmt) and len(builders) > 1}
        assert doubled == set(), fmt


def test_mapped_fields_keep_line_default_and_conversion(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_sqs_queue" "intake" {\n'
        '  name                    = "intake"\n'
        '  sqs_managed_sse_enabled = "false"\n'
        '}\n', encoding="utf-8")
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, rules=RULES))
    found = {(o.rule.id, o.location.start_line, o.message) for o in result.outcomes
             if o.status is Status.FAIL}
    assert found == {("ENC-010", 3, "SQS queue aws_sqs_queue.intake stores messages "
                      "unencrypted: `sqs_managed_sse_enabled` is false")}
