"""What the parent learns from each input's bytes while it digests them for the result
cache's key (linter.scan_cache), so that no later step of the scan reads them again:
- which inputs hold a suppression marker (`ephi-lint:` or a checkov `skip`): the only
  ones linter.suppress needs to read for directives;
- the possible module calls of the Terraform files that mention `module` or may be a
  plan, read as linter.terraform_components reads them: the calls, not the bytes, are
  kept;
- which inputs may be a Terraform plan (read, not parsed: linter.terraform_components).
A scan whose inputs are not digested (no result cache: stdin, --changed-files, caching
off) has no facts, and those steps read the files themselves.
"""

from __future__ import annotations

from linter.suppress import BYTE_MARKERS
from linter.terraform_components import file_calls, may_be_plan_data

_MODULE_WORD = b"module"
_TERRAFORM_SUFFIXES = (".tf", ".tf.json")


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
        plan = may_be_plan_data(data)
        if plan:
            self.plans.add(display_path)
        lower = display_path.lower()
        if lower.endswith(_TERRAFORM_SUFFIXES) and (plan or _MODULE_WORD in data):
            kind = "terraform_json" if lower.endswith(".tf.json") else "terraform"
            self.calls[display_path] = file_calls(data, display_path, kind)
