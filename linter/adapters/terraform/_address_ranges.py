"""Reading a list of admitted CIDRs out of Terraform configuration."""

from __future__ import annotations

from typing import Any

from linter.models.address_ranges import is_whole_internet
from linter.models.base import Field, FieldState
from linter.values import Branches, Unknown


def address_ranges(values: list[tuple[Any, int | None]], attribute: str,
                   line: int | None) -> Field:
    """The CIDRs (each with its line) as a list Field, at the line of the first range
    open to the whole internet if any, else at `line`; UNKNOWN when an unknown item
    could be the open range.

    A conditional item counts as open when any branch is, as the condition language
    fails a field when one branch fails. An unknown item (or branch) makes the list
    UNKNOWN unless a known item already admits the whole internet, which decides the
    verdict on its own.
    """
    known: list[str] = []
    doubtful = ""
    open_line: int | None = None
    for value, item_line in values:
        if isinstance(value, Unknown):
            doubtful = value.reason
        elif isinstance(value, Branches):
            opened = [option for option in value.options if is_whole_internet(option)]
            if opened:
                known.append(str(opened[0]))
                open_line = open_line or item_line
            elif any(isinstance(option, Unknown) for option in value.options):
                doubtful = "a branch of a conditional range is not known"
        else:
            known.append(str(value))
            if is_whole_internet(value):
                open_line = open_line or item_line
    if doubtful and open_line is None and not any(map(is_whole_internet, known)):
        return Field(None, FieldState.UNKNOWN, attribute, line, doubtful)
    return Field(known, FieldState.SET, attribute, open_line or line)
