"""Leaves of the condition language over values that are only partly known."""

from __future__ import annotations

import pytest

from linter.conditions import Status, evaluate
from linter.models.base import Field, FieldState
from linter.values import PartialText


class _Subject:
    def __init__(self, key: Field) -> None:
        self.key = key


@pytest.mark.parametrize("text,expected", [
    ("https://${var.vault}.vault.azure.net/keys/phi", Status.PASS),
    ("arn:aws:kms:${region}:${account}:key/${id}", Status.PASS),
    ("${var.key_id}", Status.UNKNOWN),
    (" ${var.prefix}${var.key} ", Status.UNKNOWN),
])
def test_a_string_with_text_of_its_own_exists_whatever_its_parts(text: str,
                                                                  expected: Status) -> None:
    # Adapters keep a partly known string as an UNKNOWN field that still holds its text.
    key = Field(PartialText("built from variables", text=text), FieldState.UNKNOWN, "key", 4)
    verdict = evaluate({"field": "key", "exists": True}, _Subject(key))
    assert (verdict.status, verdict.field.line) == (expected, 4)


def test_partial_text_is_still_unknown_for_comparisons() -> None:
    key = Field(PartialText("built", text="alias/${var.name}"), FieldState.UNKNOWN, "key", 2)
    assert evaluate({"field": "key", "not_in": ["alias/aws/s3"]},
                    _Subject(key)).status is Status.UNKNOWN
