"""What the parent learns from each input's bytes while it digests them for the result
cache's key (linter.scan_cache), so that no later step of the scan reads them again:
- which inputs hold a suppression marker (`ephi-lint:` or a checkov `skip`): the only
  ones linter.suppress needs to read for directives;
- the folders each Terraform file may call, read as linter.terraform_components reads
  them, for the files that call some (or cannot be read without parsing): the calls,
  not the bytes, are kept;
- which inputs may be a Terraform plan (read, not parsed: linter.terraform_components).
A scan whose inputs are not digested (no result cache: stdin, --changed-files, caching
off) has no facts, and those steps read the files themselves.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import NamedTuple

from linter.discover import kind_of

# What a file must hold to carry a directive (linter.suppress reads only such files): an
# `ephi-lint:` comment, a checkov (or bridgecrew) `skip=` comment, or the `checkov` or
# `bridgecrew` key of a CloudFormation resource's Metadata skips. Not "skip" alone: module
# repositories write `skip_final_snapshot` and the like, and each such file was read and
# searched again on every run, the result cache's included. Here, not in linter.suppress,
# so that reading the inputs needs none of its imports.
MARKERS = ("ephi-lint:", "skip=", "checkov", "bridgecrew")
BYTE_MARKERS = tuple(marker.encode() for marker in MARKERS)
# A Terraform file can hold comments only (each checkov skip comment holds "skip="): each
# marker less is a search less over every .tf file's bytes.
_TERRAFORM_MARKERS = BYTE_MARKERS[:2]


class InputFacts:
    def __init__(self) -> None:
        self.digested = False  # every input was read (else the facts below are partial)
        self.marked: set[str] = set()  # display paths
        # display path -> the folders it may call (None: not readable without parsing)
        self.calls: dict[str, frozenset[str] | None] = {}
        self.plans: set[str] = set()  # display paths

    def add(self, display_path: str, marked: bool, plan: bool, calls_listed: bool,
            calls: frozenset[str] | None) -> None:
        """One input's facts, as facts_of gives them (read_input keeps them)."""
        if marked:
            self.marked.add(display_path)
        if plan:
            self.plans.add(display_path)
        if calls_listed:
            self.calls[display_path] = calls


def facts_of(display_path: str, data: bytes
             ) -> tuple[bool, bool, bool, frozenset[str] | None]:
    """(holds a suppression marker, may be a plan, may call something, the folders it may
    call (None: not readable without parsing)) of one input's bytes."""
    # Imported here: a scan whose inputs linter.scan_ahead read needs none of it.
    from linter.terraform_components import file_calls, may_be_plan_data

    kind = kind_of(display_path)
    marked = any(marker in data for marker in (
        _TERRAFORM_MARKERS if kind in ("terraform", "tfvars") else BYTE_MARKERS))
    plan = may_be_plan_data(data)
    if kind in ("terraform", "terraform_json"):
        calls = file_calls(data, display_path, kind)
        if calls is None or calls:  # a file that calls nothing need not be listed
            return marked, plan, True, calls
    return marked, plan, False, None


class InputRead(NamedTuple):
    """One input read once: for the result cache's key, the provenance and the facts (a
    tuple: linter.scan_ahead sends 20,000 of them in 40 ms, where objects took 360 ms)."""

    stat: tuple[int, int] | None  # (size, mtime_ns) before the read
    digest: bytes  # SHA-256 of the bytes
    size: int
    marked: bool
    plan: bool
    calls: frozenset[str] | None
    calls_listed: bool  # the file may call something (calls: which, None: unknown)


def read_input(path: Path, display_path: str, information: os.stat_result | None = None
               ) -> InputRead | None:
    """The input's stat, digest and facts (see facts_of); None when it cannot be read.
    `information`: the input's os.stat, when the caller has just taken it."""
    stat = stat_of(path) if information is None \
        else (information.st_size, information.st_mtime_ns)
    try:
        with open(path, "rb") as source:
            data = source.read()
    except OSError:
        return None
    marked, plan, calls_listed, calls = facts_of(display_path, data)
    return InputRead(stat, hashlib.sha256(data).digest(), len(data), marked, plan, calls,
                     calls_listed)


def stat_of(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns), taken before an input is read: a result is stored only if no
    input has changed by the end of the scan (linter.scan_cache)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns
