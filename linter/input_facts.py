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

from linter.discover import kind_of
from linter.suppress import BYTE_MARKERS
from linter.terraform_components import file_calls, may_be_plan_data


class InputFacts:
    def __init__(self) -> None:
        self.digested = False  # every input was read (else the facts below are partial)
        self.marked: set[str] = set()  # display paths
        # display path -> the folders it may call (None: not readable without parsing)
        self.calls: dict[str, frozenset[str] | None] = {}
        self.plans: set[str] = set()  # display paths

    def observe(self, display_path: str, data: bytes) -> None:
        if any(marker in data for marker in BYTE_MARKERS):
            self.marked.add(display_path)
        if may_be_plan_data(data):
            self.plans.add(display_path)
        kind = kind_of(display_path)
        if kind in ("terraform", "terraform_json"):
            calls = file_calls(data, display_path, kind)
            if calls is None or calls:  # a file that calls nothing need not be listed
                self.calls[display_path] = calls
