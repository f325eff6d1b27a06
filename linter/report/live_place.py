"""Where a finding of a live scan is: its account, Region and ARN, never a line in a file.

A live resource's location is a virtual path `aws/ACCOUNT/REGION/SERVICE/NAME` whose
line 1 means nothing; with `--templates` or `--terraform-state` it may instead be the
template or state line that declared it (a real file), and the ARN is still its address.
Every output format asks this module how to name the place of a finding, so a live
finding reads "account 123456789012, us-east-1, arn:aws:s3:::photos" everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linter.engine import Outcome
from linter.models.base import Resource

LIVE_FORMAT = "aws"  # linter.adapters.aws_live.SOURCE_FORMAT, without importing the adapters
# `aws/ACCOUNT/REGION/SERVICE/NAME`: a template folder would need a 12-digit subfolder
# under a folder named aws to look like one.
_VIRTUAL = re.compile(r"^aws/\d{12}/")


@dataclass(frozen=True)
class LivePlace:
    """Where a live finding is: its account, Region and ARN."""

    account: str
    region: str
    arn: str

    @property
    def label(self) -> str:
        """`account 123456789012, us-east-1` (the group heading of text output)."""
        return f"account {self.account}, {self.region}"

    @property
    def full(self) -> str:
        return f"{self.label}, {self.arn}"


def live_place(resource: Resource) -> LivePlace | None:
    """The account, Region and ARN of a resource a live scan read (None for a file's)."""
    if resource.source_format != LIVE_FORMAT:
        return None
    # scope is `aws/ACCOUNT/REGION` (linter.adapters.aws_live.identity).
    parts = resource.scope.split("/")
    account = parts[1] if len(parts) > 1 else ""
    region = parts[2] if len(parts) > 2 else ""
    return LivePlace(account, region, resource.address)


def is_virtual(path: str) -> bool:
    """A live resource's virtual path, not a file anyone can open."""
    return _VIRTUAL.match(path) is not None


def in_no_file(outcome: Outcome) -> LivePlace | None:
    """The live place of a finding that points at no file (its location is virtual);
    None when it has a real file and line (a file scan, or a live resource anchored in
    its template or state file)."""
    place = live_place(outcome.resource)
    if place is None or not is_virtual(outcome.location.path):
        return None
    return place


def where(outcome: Outcome) -> str:
    """`file:line` for a finding in a file; `account A, REGION, ARN` for a live one, with
    the declaring file's line after it when the resource is anchored in one."""
    place = live_place(outcome.resource)
    line = f"{outcome.location.path}:{outcome.location.start_line}"
    if place is None:
        return line
    if is_virtual(outcome.location.path):
        return place.full
    return f"{place.full} (declared at {line})"
