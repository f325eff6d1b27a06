"""The JSON report's writer (linter.report.json_text) writes what json.dumps(indent=2)
writes, byte for byte: on every kind of value, and on whole reports."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan
from linter.report import ScanReport, json_format
from linter.report.json_text import indented
from tests.conftest import REPOSITORY

RULES = load_rules([catalogue_directory("rules")])

EDGES: list[Any] = [
    {}, [], (), "", {"a": []}, {"a": {}}, [[]], [{}], None, True, False, 0, -1, 10 ** 40,
    0.1, -0.0, 1e100, 2.5e-8, float("nan"), float("inf"), -float("inf"),
    "quote \" backslash \\ newline \n tab \t nul \x00 é 😀 \ud800 \u2028",
    {"nested": {"list": [1, [2, [3, {}]], {"x": None}], 7: "int key", True: "bool key",
                None: "null key", 2.5: "float key"}},
    ("tuple", ("inner",)),
]


@pytest.mark.parametrize("value", EDGES, ids=range(len(EDGES)))
def test_each_kind_of_value_is_written_as_json_dumps_writes_it(value: Any) -> None:
    assert indented(value) == json.dumps(value, indent=2)


def test_random_documents_are_written_as_json_dumps_writes_them() -> None:
    chooser = random.Random(14)

    def value(depth: int) -> Any:
        roll = chooser.random()
        if depth > 4 or roll < 0.35:
            return chooser.choice([None, True, False, 0, 7, -3, 1.5, "", "s", "é\n", 2 ** 70])
        if roll < 0.7:
            return {chooser.choice(["a", "b", "é", "k k"]): value(depth + 1)
                    for _ in range(chooser.randint(0, 4))}
        return [value(depth + 1) for _ in range(chooser.randint(0, 4))]

    for _ in range(2000):
        document = value(0)
        assert indented(document) == json.dumps(document, indent=2)


def test_a_value_json_cannot_write_is_refused_as_json_refuses_it() -> None:
    with pytest.raises(TypeError):
        indented({"a": object()})
    with pytest.raises(TypeError):
        indented({("tuple", "key"): 1})


def test_a_whole_report_is_the_text_json_dumps_makes_of_its_document() -> None:
    root = REPOSITORY / "examples"
    result = scan(ScanRequest(paths=[root], root=root, rules=RULES, workers=1))
    report = ScanReport(result, "low")
    report.include_passed = True  # the inventory too
    written = "".join(json_format.render_chunks(report))
    document = json_format._document(report)
    expected = json.dumps({key: list(value) if isinstance(value, json_format._Each)
                           else value for key, value in document.items()}, indent=2) + "\n"
    assert written == expected
    assert json.loads(written)["findings"]


def test_an_empty_report_is_the_text_json_dumps_makes_of_it(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "k" {\n'
                                      '  enable_key_rotation = true\n}\n')
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, workers=1,
                              rules=[rule for rule in RULES if rule.id == "KEY-002"]))
    report = ScanReport(result, "low")
    written = "".join(json_format.render_chunks(report))
    assert json.loads(written)["findings"] == []
    assert written == json.dumps(json.loads(written), indent=2) + "\n"
