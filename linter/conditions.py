"""Three-valued evaluation of a rule's declarative condition over one model.

A condition describes the compliant state. Leaves compare one field; `all`, `any` and
`not` combine them with Kleene logic, so an unknown value never turns into a pass or a
fail by accident. A field holding `Branches` (an unresolved conditional) is judged per
branch: all pass -> PASS, any fails -> FAIL naming that branch, otherwise UNKNOWN.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from linter.checks import run_check
from linter.models.base import Field, FieldState
from linter.values import Branches, PartialText, Unknown, is_known, plain


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    ERROR = "error"


@dataclass(frozen=True)
class Verdict:
    status: Status
    field: Field | None = None  # the field that decided the verdict, for the finding's line
    detail: str = ""
    facts: tuple[tuple[str, Any], ...] = ()  # from a named check, for coverage figures


OPERATORS = ("equals", "not_equals", "in", "not_in", "exists", "matches", "gte", "lte",
             "contains", "excludes", "check")


def evaluate(condition: dict[str, Any], subject: Any) -> Verdict:
    if "all" in condition:
        return _all([evaluate(item, subject) for item in condition["all"]])
    if "any" in condition:
        return _any([evaluate(item, subject) for item in condition["any"]])
    if "not" in condition:
        inner = evaluate(condition["not"], subject)
        flipped = {Status.PASS: Status.FAIL, Status.FAIL: Status.PASS}.get(inner.status,
                                                                             inner.status)
        return Verdict(flipped, inner.field, inner.detail)
    field = getattr(subject, condition["field"])
    return _leaf(condition, field)


def _all(verdicts: list[Verdict]) -> Verdict:
    for status in (Status.FAIL, Status.UNKNOWN):
        for verdict in verdicts:
            if verdict.status is status:
                return verdict
    return verdicts[-1] if verdicts else Verdict(Status.PASS)


def _any(verdicts: list[Verdict]) -> Verdict:
    for status in (Status.PASS, Status.UNKNOWN):
        for verdict in verdicts:
            if verdict.status is status:
                return verdict
    # Every alternative failed: point at the first one written, it is what to fix.
    written = [verdict for verdict in verdicts if verdict.field and verdict.field.line]
    return (written or verdicts)[0]


def _leaf(condition: dict[str, Any], field: Field) -> Verdict:
    if "exists" in condition and _has_literal_text(field.value):
        # "https://${vault}.vault.azure.net/keys/k": whatever the parts resolve to, the
        # setting names something, so it is set; only what it names is unknown.
        present = Field(field.value.text, FieldState.SET, field.attribute, field.line,
                        field.reason, field.path)
        return _compare(condition, present, field.value.text)
    if field.state is FieldState.UNKNOWN:
        return Verdict(Status.UNKNOWN, field, f"`{field.attribute}` is not known"
                                              f" ({field.reason})")
    value = field.value
    if isinstance(value, Branches):
        return _branches(condition, field, value)
    if isinstance(value, Unknown):  # PartialText included
        return Verdict(Status.UNKNOWN, field, f"`{field.attribute}` is not known"
                                              f" ({value.reason})")
    return _compare(condition, field, value)


def _has_literal_text(value: Any) -> bool:
    """A string with unknown parts that still holds text of its own outside them."""
    return isinstance(value, PartialText) and bool(
        re.sub(r"\$\{[^}]*\}", "", value.text).strip())


def _branches(condition: dict[str, Any], field: Field, branches: Branches) -> Verdict:
    results = []
    for option, label in zip(branches.options, branches.labels):
        if isinstance(option, Unknown) or not is_known(option):
            results.append((Verdict(Status.UNKNOWN, field, f"{label} is unknown"), label))
            continue
        results.append((_compare(condition, field, option), label))
    for status in (Status.FAIL, Status.UNKNOWN):
        for verdict, label in results:
            if verdict.status is status:
                return Verdict(status, field, f"{label}: {verdict.detail}")
    return Verdict(Status.PASS, field, "every branch complies")


def describe(field: Field, value: Any) -> str:
    if field.state is FieldState.ABSENT:
        return f"`{field.attribute}` is not set"
    if field.state is FieldState.DEFAULT:
        return f"`{field.attribute}` is not set ({field.reason}: {_show(value)})"
    return f"`{field.attribute}` is {_show(value)}"


def _show(value: Any) -> str:
    value = plain(value)
    if isinstance(value, str):
        text = value if len(value) <= 80 else value[:77] + "..."
        return f'"{text}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    text = json.dumps(value, default=str) if isinstance(value, (list, dict)) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _compare(condition: dict[str, Any], field: Field, value: Any) -> Verdict:
    operator = next(name for name in OPERATORS if name in condition)
    expected = condition[operator]
    if operator == "check":
        result = run_check(expected, plain(value), condition.get("arguments", {}))
        status = {True: Status.PASS, False: Status.FAIL, None: Status.UNKNOWN}[result.passed]
        return Verdict(status, field, result.detail or describe(field, value), result.facts)
    passed = _operator(operator, expected, value, field)
    return Verdict(Status.PASS if passed else Status.FAIL, field, describe(field, value))


def _operator(operator: str, expected: Any, value: Any, field: Field) -> bool:
    value = plain(value)
    if operator == "exists":
        present = field.state is not FieldState.ABSENT and value is not None
        return present == bool(expected)
    if operator == "equals":
        return _same(value, expected)
    if operator == "not_equals":
        return not _same(value, expected)
    if operator == "in":
        return any(_same(value, item) for item in expected)
    if operator == "not_in":
        return value is not None and not any(_same(value, item) for item in expected)
    if operator == "matches":
        return isinstance(value, str) and re.search(expected, value) is not None
    if operator in ("gte", "lte"):
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                return False
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return False
        return value >= expected if operator == "gte" else value <= expected
    items = value if isinstance(value, list) else ([] if value is None else [value])
    if operator == "contains":
        return any(_same(item, expected) for item in items)
    if operator == "excludes":
        return not any(_same(item, forbidden) for item in items for forbidden in expected)
    raise ValueError(f"unknown operator {operator}")


def _same(value: Any, expected: Any) -> bool:
    if isinstance(expected, str) and isinstance(value, str):
        return value == expected
    if isinstance(expected, bool):
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return (value.lower() == "true") == expected
        return value is expected
    return bool(value == expected)
