"""The parse cache's format (linter.parse_codec, version 2): an entry is
`[class names, value]`, each class named once, a dataclass an array tagged with its
class's position in that list. tests/test_cache.py round-trips every fixture and holds
the cache's own guarantees; these tests hold the format's."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from linter import parse_codec
from linter.parsers import hcl_expressions as hx
from linter.parsers.terraform import HclAttribute, HclBlock, TerraformFile

LITERAL = "linter.parsers.hcl_expressions.Literal"
VARIABLE = "linter.parsers.hcl_expressions.Variable"


def test_an_entry_names_each_class_once_and_tags_instances_by_position() -> None:
    value = TerraformFile("main.tf", [HclBlock("resource", ["a", "b"], 1, 4, {
        "x": HclAttribute("x", hx.Literal(2, "on"), 2),
        "y": HclAttribute("y", hx.GetAttr(3, hx.Variable(3, "var"), "k"), 3)})])
    names, stored = json.loads(parse_codec.encode(value))
    assert names == ["linter.parsers.terraform.TerraformFile",
                     "linter.parsers.terraform.HclBlock",
                     "linter.parsers.terraform.HclAttribute",
                     LITERAL,
                     "linter.parsers.hcl_expressions.GetAttr",
                     VARIABLE]
    assert stored == [0, "main.tf", ["l", [
        1, "resource", ["l", "a", "b"], 1, 4,
        ["d", "x", [2, "x", [3, 2, "on"], 2], "y", [2, "y", [4, 3, [5, 3, "var"], "k"], 3]],
        ["l"]]]]
    assert parse_codec.decode(parse_codec.encode(value)) == value


def _instance(cls: type) -> Any:
    """An instance of `cls` whose fields hold distinct plain values, made without its
    __init__ (some classes check or convert their arguments)."""
    instance = object.__new__(cls)
    for position, field in enumerate(dataclasses.fields(cls)):
        object.__setattr__(instance, field.name, [f"{field.name}-{position}", position])
    return instance


def test_every_class_of_the_parse_model_round_trips_whatever_its_field_count() -> None:
    classes = parse_codec._allowed()
    # Written-out builders for two to four fields, a loop for the others: all are used.
    assert {len(dataclasses.fields(cls)) for cls in classes.values()} >= {1, 2, 3, 4, 5}
    for name, cls in sorted(classes.items()):
        original = _instance(cls)
        back = parse_codec.decode(parse_codec.encode(original))
        assert type(back) is cls, name
        assert [getattr(back, field.name) for field in dataclasses.fields(cls)] == [
            getattr(original, field.name) for field in dataclasses.fields(cls)], name


def test_decoding_runs_no_constructor_of_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    stored = parse_codec.encode((hx.Variable(1, "var"), hx.Literal(2, None)))

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a constructor ran")

    monkeypatch.setattr(hx.Variable, "__init__", refuse)
    monkeypatch.setattr(hx.Literal, "__init__", refuse)
    back = parse_codec.decode(stored)
    assert [(type(node).__name__, node.line) for node in back] == [("Variable", 1),
                                                                   ("Literal", 2)]
    assert back[0].name == "var" and back[1].value is None


def _entry(names: Any, value: Any) -> bytes:
    return json.dumps([names, value]).encode()


@pytest.mark.parametrize("stored", [
    _entry([LITERAL], [0, 1]),  # too few fields
    _entry([LITERAL], [0, 1, 2, 3]),  # too many
    _entry([VARIABLE], [0, 1, "a", "b", "c", "d"]),  # far too many (the loop's check)
    _entry([LITERAL], [1, 1, 2]),  # no class at that position
    _entry([LITERAL], [-1, 1, 2]),  # nor at a negative one
    _entry([LITERAL], [True, 1, 2]),  # a tag that is not a position
    _entry([LITERAL], [0.0, 1, 2]),
    _entry(["subprocess.Popen"], [0, ["l", "touch", "/tmp/x"]]),  # outside the model
    _entry(["os.system"], None),  # refused even when unused
    _entry(["linter.parsers.terraform.selected_parser"], None),  # a function
    _entry([1], None),  # a name that is not text
    _entry({"a": 1}, None),
    _entry([LITERAL], [0, 1, ["Z", 2]]),  # a field that is not a stored value
    _entry([], ["D", "linter.parsers.terraform.TerraformFile", "a.tf", ["l"]]),  # version 1
    b'["t","a.tf","terraform",null]',  # a version 1 entry
    b'[[]]', b'[[],1,2]', b'[]', b'{}', b'null',
])
def test_malformed_or_foreign_entries_are_codec_errors(stored: bytes) -> None:
    with pytest.raises(parse_codec.CodecError):
        parse_codec.decode(stored)


def test_decoding_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    stored = parse_codec.encode(hx.Literal(1, 2))
    assert gc.isenabled()
    parse_codec.decode(stored)
    assert gc.isenabled()
    with pytest.raises(parse_codec.CodecError):
        parse_codec.decode(b"[[],")
    assert gc.isenabled()
    gc.disable()
    try:
        parse_codec.decode(stored)
        assert not gc.isenabled()
    finally:
        gc.enable()
