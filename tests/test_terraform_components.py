"""Terraform folders split into components before parsing (linter.terraform_components): a
possible local module call joins two folders, and anything the byte-level reading cannot
see exactly makes the whole scan one component."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.discover import DEFAULT_MAX_FILE_BYTES
from linter.input_facts import InputFacts, facts_of
from linter.terraform_components import components, may_be_plan

CALL = 'module "{name}" {{\n  source = "{source}"\n}}\n'


def _components(tmp_path: Path, files: dict[str, str]) -> list[list[str]]:
    entries = []
    facts = InputFacts()
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        kind = "terraform_json" if name.endswith(".tf.json") else \
            "tfvars" if name.endswith(".tfvars") else "terraform"
        entries.append((name, kind, path))
        facts.add(name, *facts_of(name, path.read_bytes()))
    read = components(entries, DEFAULT_MAX_FILE_BYTES)
    # The same from what the result cache's key read saw (linter.input_facts).
    assert components(entries, DEFAULT_MAX_FILE_BYTES, facts.calls) == read
    return read


def test_folders_linked_by_local_calls_share_a_component(tmp_path: Path) -> None:
    assert _components(tmp_path, {
        "examples/complete/main.tf": CALL.format(name="db", source="../../"),
        "main.tf": CALL.format(name="part", source="./modules/part"),
        "modules/part/main.tf": 'resource "aws_kms_key" "k" {}\n',
        "other/main.tf": 'resource "aws_kms_key" "k" {}\n',
        "other/terraform.tfvars": 'x = "../../"\n',
        "remote/main.tf": CALL.format(name="vpc", source="terraform-aws-modules/vpc/aws"),
    }) == [["examples/complete", ".", "modules/part"], ["other"], ["remote"]]


def test_a_call_of_a_folder_outside_the_scan_joins_nothing(tmp_path: Path) -> None:
    assert _components(tmp_path, {
        "a/main.tf": CALL.format(name="x", source="../../outside"),
        "b/main.tf": CALL.format(name="x", source="../../outside"),
    }) == [["a"], ["b"]]


def test_any_quoted_local_path_counts_as_a_call(tmp_path: Path) -> None:
    # An over-estimate only joins folders: a string that merely looks like a source (in a
    # local value, an interpolation) links them too, never the other way round.
    assert _components(tmp_path, {
        "a/main.tf": 'module "m" {\n  source = "x"\n}\nlocals {\n  p = "../b/${var.x}"\n'
                     '  q = "../c"\n}\n',
        "b/main.tf": "",
        "c/main.tf": "",
    }) == [["a", "c"], ["b"]]


def test_json_configuration_calls_are_read_too(tmp_path: Path) -> None:
    assert _components(tmp_path, {
        "a/main.tf.json": '{"module": {"m": {"source": "../b"}}}',
        "b/main.tf": "",
    }) == [["a", "b"]]


@pytest.mark.parametrize("text", [
    'module "m" {\n  source = "\\u002e/b"\n}\n',  # an escape the pattern cannot see
    'module "m" {\n  source = "./b$${x}"\n}\n',
    '{"format_version": "1.2", "planned_values": {}}\n',  # a plan in a .tf file
])
def test_text_not_read_exactly_makes_one_component(tmp_path: Path, text: str) -> None:
    assert _components(tmp_path, {"a/main.tf": text, "b/main.tf": "", "c/main.tf": ""}) \
        == [["a", "b", "c"]]


def test_an_escape_in_json_configuration_makes_one_component(tmp_path: Path) -> None:
    assert _components(tmp_path, {"a/main.tf.json": '{"module": {"m": {"source": ".\\/b"}}}',
                                  "b/main.tf": ""}) == [["a", "b"]]


def test_a_file_that_cannot_be_read_calls_nothing(tmp_path: Path) -> None:
    assert components([("a/main.tf", "terraform", tmp_path / "missing.tf"),
                       ("b/main.tf", "terraform", tmp_path / "missing.tf")],
                      DEFAULT_MAX_FILE_BYTES) == [["a"], ["b"]]


def test_a_plan_is_recognised_by_its_marks(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"format_version": "1.2", "resource_changes": []}')
    other = tmp_path / "package.json"
    other.write_text('{"name": "x"}')
    assert may_be_plan(plan, DEFAULT_MAX_FILE_BYTES)
    assert not may_be_plan(other, DEFAULT_MAX_FILE_BYTES)
    assert not may_be_plan(tmp_path / "missing.json", DEFAULT_MAX_FILE_BYTES)
