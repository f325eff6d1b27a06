"""The expression nodes (linter.parsers.hcl_expressions) as values: written-out classes
that behave as the frozen dataclasses they replaced (equality and hashing by class and
fields, the same repr, pickling for worker processes), and that nothing changes once
made, the guard they no longer carry at run time (see the comment above their classes).
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from pathlib import Path
from typing import Any

import pytest

from linter.engine import catalogue_directory, load_rules
from linter.parsers import hcl_expressions as hx
from linter.pipeline import ScanRequest, scan

REPOSITORY = Path(__file__).resolve().parents[1]
NODE_CLASSES = sorted((value for value in vars(hx).values() if isinstance(value, type)
                       and issubclass(value, hx.Expr)), key=lambda cls: cls.__name__)


def _slots(cls: type) -> list[str]:
    return [name for klass in reversed(cls.__mro__) for name in vars(klass).get("__slots__", ())]


@pytest.mark.parametrize("cls", NODE_CLASSES, ids=lambda cls: cls.__name__)
def test_a_node_class_declares_its_fields_once_in_one_order(cls: type[hx.Expr]) -> None:
    # The codec (linter.parse_codec) stores fields in dataclasses.fields order, pickling
    # and _relined pass them to __init__: the three lists must be the same.
    names = [field.name for field in dataclasses.fields(cls)]
    assert names == _slots(cls)
    assert names == list(inspect.signature(cls).parameters)
    assert cls.__match_args__ == tuple(names)
    assert not hasattr(cls(*range(len(names))), "__dict__")


def test_nodes_are_equal_by_class_and_fields() -> None:
    first = hx.GetAttr(3, hx.Variable(3, "var"), "name")
    same = hx.GetAttr(3, hx.Variable(3, "var"), "name")
    assert first == same and hash(first) == hash(same)
    assert {first: 1}[same] == 1
    assert first != hx.GetAttr(4, hx.Variable(3, "var"), "name")
    assert first != hx.GetAttr(3, hx.Variable(3, "local"), "name")
    assert hx.Index(3, hx.Variable(3, "var"), hx.Literal(3, 0)) != hx.GetAttr(
        3, hx.Variable(3, "var"), hx.Literal(3, 0))  # type: ignore[arg-type]
    assert hx.Literal(1, 1) != (1, 1)
    assert hx.Call(1, "f", ()) == hx.Call(1, "f", (), False)
    with pytest.raises(TypeError):  # as the frozen dataclass: a list value is unhashable
        hash(hx.Literal(1, [1]))


def test_a_node_prints_as_its_class_and_fields() -> None:
    assert repr(hx.Call(2, "lookup", (hx.Variable(2, "m"), hx.Literal(2, "k")))) == (
        "Call(line=2, name='lookup', args=(Variable(line=2, name='m'), "
        "Literal(line=2, value='k')), expand_last=False)")
    assert repr(hx.Expr(1)) == "Expr(line=1)"


def test_a_node_survives_pickling_and_copying() -> None:
    # Parse models come back from worker processes pickled (linter.pipeline_workers).
    node = hx.ForExpr(1, None, "v", hx.Variable(1, "list"), None,
                      hx.Template(1, ("a-", hx.Variable(1, "v"))), None, grouping=True)
    for back in (pickle.loads(pickle.dumps(node)), copy.copy(node), copy.deepcopy(node)):
        assert back == node and type(back) is hx.ForExpr


def _refuse_a_second_assignment(node: Any, name: str, value: Any) -> None:
    if hasattr(node, name):
        raise AssertionError(f"{type(node).__name__}.{name} changed after it was made")
    object.__setattr__(node, name, value)


def _refuse_deletion(node: Any, name: str) -> None:
    raise AssertionError(f"{type(node).__name__}.{name} deleted")


def test_no_node_is_changed_once_made(monkeypatch: pytest.MonkeyPatch) -> None:
    # The guard a frozen class would carry, for the length of a scan of every fixture:
    # parsing (both parsers' paths through templates and .tf.json), expansion and
    # evaluation only ever read a node.
    monkeypatch.setattr(hx.Expr, "__setattr__", _refuse_a_second_assignment)
    monkeypatch.setattr(hx.Expr, "__delattr__", _refuse_deletion)
    fixtures = REPOSITORY / "fixtures"
    result = scan(ScanRequest(paths=[fixtures], root=fixtures, workers=1,
                              rules=load_rules([catalogue_directory("rules")]),
                              frameworks=frozenset({"terraform"})))
    assert result.outcomes
    node = hx.Variable(1, "var")
    with pytest.raises(AssertionError):
        node.name = "local"  # type: ignore[misc]
