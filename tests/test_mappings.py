"""The mapping tables (tables/mappings) are valid, name real models and fields, and a
mapped resource is built with its line, default and conversion like a coded adapter."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, FormatChecker

from linter import engine
from linter.adapters.mapped import (
    FORMATS,
    mapped_builders,
    mapping_tables,
    read_mapping_tables,
)
from linter.conditions import Status
from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan

SCHEMA = json.loads((Path(__file__).parent.parent / "linter" / "schemas" /
                     "mapping.schema.json").read_text(encoding="utf-8"))
RULES = load_rules([catalogue_directory("rules")])


@pytest.mark.parametrize("name", sorted(read_mapping_tables()))
def test_table_matches_its_schema(name: str) -> None:
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
              for error in Draft7Validator(SCHEMA, format_checker=FormatChecker())
              .iter_errors(read_mapping_tables()[name])]
    assert errors == []


@pytest.mark.parametrize("fmt", ["terraform", "cloudformation", "aws_live"])
def test_every_mapping_names_a_real_model_and_all_its_fields(fmt: str) -> None:
    mapped_builders(fmt)  # raises MappingError naming the table and source type


def test_a_source_type_has_one_home() -> None:
    """A source type mapped by a table has no coded adapter building the same model, in
    the same format (two builders would judge one resource twice). A coded builder of
    another model from the same resource stays allowed: the replicas of a DynamoDB
    table are models of their own, built from the table's replica blocks."""
    from linter.adapters import collect_builders

    for fmt in FORMATS:
        mapped = mapped_builders(fmt)
        doubled = {(source_type, model) for source_type, builders
                   in collect_builders(f"linter.adapters.{fmt}").items()
                   if source_type in mapped
                   for builder in builders if builder is not mapped[source_type]
                   if (model := _built_model(builder)) is _built_model(mapped[source_type])}
        assert doubled == set(), fmt


def test_the_source_index_says_what_the_files_and_imports_say() -> None:
    """A scan reads builders, models, checks, tables and defaults through the source index
    (linter.source_index); each must be exactly what importing and parsing everything
    gives: the same source types in the same order, the same builder objects."""
    from linter.adapters import collect_builders, imported_builders
    from linter.adapters.mapped import mapped_builder
    from linter.checks import check, registry
    from linter.engine import model_classes
    from linter.source_index import format_packages, model_module
    from linter.tables import read_service_defaults, service_defaults

    assert mapping_tables() == read_mapping_tables()
    assert service_defaults() == read_service_defaults()
    packages = format_packages()
    assert packages == [f"linter.adapters.{name}" for name in
                        ("aws_live", "cloudformation", "kubernetes", "pem", "terraform")]
    for package in packages:
        indexed = collect_builders(package)
        imported = imported_builders(package)
        assert list(indexed) == list(imported), package
        assert dict(indexed.items()) == imported, package
        assert "no_such_type" not in indexed and indexed.get("no_such_type") is None
    assert {name: model_module(name) for name in model_classes()} == {
        name: model.__module__ for name, model in model_classes().items()}
    for fmt in FORMATS:
        for source_type, builder in mapped_builders(fmt).items():
            assert mapped_builder(fmt, source_type) is builder
    assert {name: check(name) for name in registry()} == registry()
    assert len(registry()) > 20


def _built_model(builder: object) -> object:
    """The model class a builder's `-> list[Model]` annotation names."""
    returned = typing.get_type_hints(builder)["return"]
    return typing.get_args(returned)[0]


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


def _models(tmp_path: Path, name: str, text: str,
            monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Every model built from one scanned file, by address."""
    built: list[object] = []
    evaluate = engine.Evaluator.evaluate

    def keep(self: object, resources: list[object]) -> object:
        built.extend(resources)
        return evaluate(self, resources)  # type: ignore[arg-type]

    monkeypatch.setattr(engine.Evaluator, "evaluate", keep)
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, rules=RULES))
    assert not result.errors
    return {model.address: model for model in built}  # type: ignore[attr-defined]


def test_a_reading_may_show_another_name_and_name_the_block_to_add(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`shown` renames the attribute users see; `shown_when_absent` names the block to
    add when nothing (and no default) is written."""
    models = _models(tmp_path, "template.yaml", (
        "Resources:\n"
        "  Chart:\n"
        "    Type: AWS::EKS::Cluster\n"
        "    Properties:\n"
        "      EncryptionConfig:\n"
        "        - Resources: [secrets]\n"
        "  Vitals:\n"
        "    Type: AWS::Kinesis::Stream\n"
        "    Properties:\n"
        "      ShardCount: 1\n"), monkeypatch)
    resources = models["Chart"].encrypted_resources  # type: ignore[attr-defined]
    assert (resources.value, resources.attribute, resources.line) == (
        ["secrets"], "Properties.EncryptionConfig[0].Resources", 6)
    kind = models["Vitals"].encryption_type  # type: ignore[attr-defined]
    assert (kind.state.value, kind.attribute) == ("absent", "Properties.StreamEncryption")


def test_nonempty_reads_whether_a_map_holds_an_entry(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    models = _models(tmp_path, "main.tf", (
        'resource "aws_lambda_function" "empty" {\n'
        '  function_name = "empty"\n'
        '  environment {\n'
        '    variables = {}\n'
        '  }\n'
        '}\n'
        'resource "aws_lambda_function" "intake" {\n'
        '  function_name = "intake"\n'
        '  environment {\n'
        '    variables = { QUEUE = "intake" }\n'
        '  }\n'
        '}\n'
        'resource "aws_lambda_function" "plain" {\n'
        '  function_name = "plain"\n'
        '}\n'), monkeypatch)
    declared = {address: (model.has_environment.value,  # type: ignore[attr-defined]
                          model.has_environment.line)  # type: ignore[attr-defined]
                for address, model in models.items()}
    assert declared == {"aws_lambda_function.empty": (False, 4),
                        "aws_lambda_function.intake": (True, 10),
                        "aws_lambda_function.plain": (False, None)}
