"""A rule's verdict on one resource: its own module, so that the code that stores and
reports outcomes (linter.result_cache, linter.report) does not import the evaluation of
conditions (linter.conditions and the named checks) to name one."""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    ERROR = "error"
