"""Three-valued evaluation of a rule's declarative condition over one model.

A condition describes the compliant state. Leaves compare one field; `all`, `any` and
`not` combine them with Kleene logic, so an unknown value never turns into a pass or a
fail by accident. A field holding `Branches` (an unresolved conditional) is judged per
branch: all pass -> PASS, any fails -> FAIL naming that branch, otherwise UNKNOWN.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from linter.checks import Check, check
from linter.models.base import Field, FieldState
from linter.status import Status as Status  # re-exported: the checks name it from here
from linter.values import Branches, PartialText, Unknown, is_known, plain


class Verdict(NamedTuple):  # a tuple: made for every leaf judged, a frozen dataclass costs 3x
    status: Status
    field: Field | None = None  # the field that decided the verdict, for the finding's line
    detail: str = ""
    facts: tuple[tuple[str, Any], ...] = ()  # from a named check, for coverage figures


OPERATORS = ("equals", "not_equals", "in", "not_in", "exists", "matches", "gte", "lte",
             "contains", "excludes", "check")

# A compiled condition: the subject (a model, or one of its elements) -> its verdict.
Judge = Callable[[Any], Verdict]
# A compiled comparison: (the field, the value to compare) -> its verdict.
Compare = Callable[[Field, Any], Verdict]

_PASS, _FAIL, _UNKNOWN = Status.PASS, Status.FAIL, Status.UNKNOWN
# Values that are plain already: no line marks to strip, nothing unknown inside.
_SCALARS = frozenset({str, bool, int, float, type(None)})
_FLIPPED = {Status.PASS: Status.FAIL, Status.FAIL: Status.PASS}
_CHECK_STATUS = {True: Status.PASS, False: Status.FAIL, None: Status.UNKNOWN}


def evaluate(condition: dict[str, Any], subject: Any) -> Verdict:
    return compile_condition(condition)(subject)


def compile_condition(condition: dict[str, Any]) -> Judge:
    """The condition as a function of the subject. What can be read once per rule is read
    here once (field names, the operator, its operand, the named check), not per model.
    A condition that cannot be compiled fails when it is judged, as it did uncompiled,
    so a broken rule is an ERROR outcome and never stops the scan."""
    try:
        return _compiled(condition)
    except Exception:
        return lambda subject: _compiled(condition)(subject)


def _compiled(condition: dict[str, Any]) -> Judge:
    if "all" in condition:
        every = [_compiled(item) for item in condition["all"]]
        return lambda subject: _all([part(subject) for part in every])
    if "any" in condition:
        either = [_compiled(item) for item in condition["any"]]
        return lambda subject: _any([part(subject) for part in either])
    if "not" in condition:
        inner = _compiled(condition["not"])

        def negated(subject: Any) -> Verdict:
            verdict = inner(subject)
            return Verdict(_FLIPPED.get(verdict.status, verdict.status), verdict.field,
                           verdict.detail)
        return negated
    name = condition["field"]
    leaf = _compiled_leaf(condition)
    return lambda subject: leaf(getattr(subject, name))


def _all(verdicts: list[Verdict]) -> Verdict:
    """The first failing verdict, else the first unknown one, else the last."""
    unknown = None
    for verdict in verdicts:
        if verdict.status is _FAIL:
            return verdict
        if unknown is None and verdict.status is _UNKNOWN:
            unknown = verdict
    if unknown is not None:
        return unknown
    return verdicts[-1] if verdicts else Verdict(Status.PASS)


def _any(verdicts: list[Verdict]) -> Verdict:
    """The first passing verdict, else the first unknown one, else a failing one."""
    unknown = None
    for verdict in verdicts:
        if verdict.status is _PASS:
            return verdict
        if unknown is None and verdict.status is _UNKNOWN:
            unknown = verdict
    if unknown is not None:
        return unknown
    # Every alternative failed: point at the first one written, it is what to fix.
    written = [verdict for verdict in verdicts if verdict.field and verdict.field.line]
    return (written or verdicts)[0]


def _compiled_leaf(condition: dict[str, Any]) -> Callable[[Field], Verdict]:
    compare = _compiled_compare(condition)
    exists = "exists" in condition

    def leaf(field: Field) -> Verdict:
        value = field.value
        if type(value) in _SCALARS:  # most values: none of the cases below but the first
            if field.state is FieldState.UNKNOWN:
                return Verdict(_UNKNOWN, field, f"`{field.attribute}` is not known"
                                                f" ({field.reason})")
            return compare(field, value)
        if exists and _has_literal_text(value):
            # "https://${vault}.vault.azure.net/keys/k": whatever the parts resolve to, the
            # setting names something, so it is set; only what it names is unknown.
            present = Field(value.text, FieldState.SET, field.attribute, field.line,
                            field.reason, field.path)
            return compare(present, value.text)
        if field.state is FieldState.UNKNOWN:
            return Verdict(_UNKNOWN, field, f"`{field.attribute}` is not known"
                                            f" ({field.reason})")
        if isinstance(value, Branches):
            return _branches(compare, field, value)
        if isinstance(value, Unknown):  # PartialText included
            return Verdict(_UNKNOWN, field, f"`{field.attribute}` is not known"
                                            f" ({value.reason})")
        return compare(field, value)
    return leaf


_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


def _has_literal_text(value: Any) -> bool:
    """A string with unknown parts that still holds text of its own outside them."""
    return isinstance(value, PartialText) and bool(
        _PLACEHOLDER.sub("", value.text).strip())


def _branches(compare: Compare, field: Field, branches: Branches) -> Verdict:
    results = []
    for option, label in zip(branches.options, branches.labels):
        if isinstance(option, Unknown) or not is_known(option):
            results.append((Verdict(Status.UNKNOWN, field, f"{label} is unknown"), label))
            continue
        results.append((compare(field, option), label))
    for status in (Status.FAIL, Status.UNKNOWN):
        for verdict, label in results:
            if verdict.status is status:
                return Verdict(status, field, f"{label}: {verdict.detail}")
    return Verdict(Status.PASS, field, "every branch complies")


def describe(field: Field, value: Any) -> str:
    return _described(field, plain(value))


def _described(field: Field, value: Any) -> str:
    """describe() of a plain value."""
    state = field.state
    if state is FieldState.ABSENT:
        return f"`{field.attribute}` is not set"
    if state is FieldState.DEFAULT:
        return f"`{field.attribute}` is not set ({field.reason}: {_show(value)})"
    return f"`{field.attribute}` is {_show(value)}"


def _show(value: Any) -> str:
    """A plain value as a message quotes it."""
    if isinstance(value, str):
        text = value if len(value) <= 80 else value[:77] + "..."
        return f'"{text}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    text = json.dumps(value, default=str) if isinstance(value, (list, dict)) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _compiled_compare(condition: dict[str, Any]) -> Compare:
    operator = next((name for name in OPERATORS if name in condition), None)
    if operator is None:
        def no_operator(field: Field, value: Any) -> Verdict:
            raise ValueError(f"condition on {condition.get('field')} names no operator")
        return no_operator
    expected = condition[operator]
    if operator == "check":
        return _compiled_check(expected, condition.get("arguments", {}))
    test = _TESTS[operator](expected)

    def compare(field: Field, value: Any) -> Verdict:
        shown = value if type(value) in _SCALARS else plain(value)
        return Verdict(_PASS if test(shown, field) else _FAIL, field, _described(field, shown))
    return compare


def _compiled_check(name: str, arguments: dict[str, Any]) -> Compare:
    found: list[Check] = []  # the named check, looked up when first judged

    def compare(field: Field, value: Any) -> Verdict:
        if not found:
            found.append(check(name))
        shown = value if type(value) in _SCALARS else plain(value)
        result = found[0](shown, **arguments)
        return Verdict(_CHECK_STATUS[result.passed], field,
                       result.detail or _described(field, shown), result.facts)
    return compare


# Each operator, given its operand, as a test of a plain value (and its field).
Test = Callable[[Any, Field], bool]


def _exists(expected: Any) -> Test:
    wanted = bool(expected)
    return lambda value, field: (field.state is not FieldState.ABSENT
                                 and value is not None) == wanted


def _equals(expected: Any) -> Test:
    return lambda value, field: _same(value, expected)


def _not_equals(expected: Any) -> Test:
    return lambda value, field: not _same(value, expected)


def _in(expected: Any) -> Test:
    return lambda value, field: any(_same(value, item) for item in expected)


def _not_in(expected: Any) -> Test:
    return lambda value, field: value is not None and not any(_same(value, item)
                                                              for item in expected)


def _matches(expected: Any) -> Test:
    def test(value: Any, field: Field) -> bool:
        return isinstance(value, str) and re.search(expected, value) is not None
    return test


def _bound(expected: Any, at_least: bool) -> Test:
    def test(value: Any, field: Field) -> bool:
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                return False
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return False
        return value >= expected if at_least else value <= expected
    return test


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else ([] if value is None else [value])


def _contains(expected: Any) -> Test:
    return lambda value, field: any(_same(item, expected) for item in _items(value))


def _excludes(expected: Any) -> Test:
    return lambda value, field: not any(_same(item, forbidden) for item in _items(value)
                                        for forbidden in expected)


_TESTS: dict[str, Callable[[Any], Test]] = {
    "exists": _exists, "equals": _equals, "not_equals": _not_equals, "in": _in,
    "not_in": _not_in, "matches": _matches, "contains": _contains, "excludes": _excludes,
    "gte": lambda expected: _bound(expected, True),
    "lte": lambda expected: _bound(expected, False),
}


def _same(value: Any, expected: Any) -> bool:
    if isinstance(expected, str) and isinstance(value, str):
        return value == expected
    if isinstance(expected, bool):
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return (value.lower() == "true") == expected
        return value is expected
    return bool(value == expected)
