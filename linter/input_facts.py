"""What the parent learns from each input's bytes while it digests them for the result
cache's key (linter.scan_cache), so that no later step of the scan reads them again:
- which inputs hold a suppression marker (`ephi-lint:` or a checkov `skip`): the only
  ones linter.suppress needs to read for directives;
- the bytes of the Terraform files that mention `module`: the only ones whose possible
  module calls linter.terraform_components looks for (a plan in a .tf file is among
  them: every plan names its `root_module`);
- which inputs may be a Terraform plan (read, not parsed: linter.terraform_components).
A scan whose inputs are not digested (no result cache: stdin, --changed-files, caching
off) has no facts, and those steps read the files themselves.
"""

from __future__ import annotations

from linter.suppress import BYTE_MARKERS
from linter.terraform_components import may_be_plan_data

_MODULE_WORD = b"module"
_TERRAFORM_SUFFIXES = (".tf", ".tf.json")


class InputFacts:
    def __init__(self) -> None:
        self.digested = False  # every input was read (else the facts below are partial)
        self.marked: set[str] = set()  # display paths
        self.module_texts: dict[str, bytes] = {}  # display path -> bytes
        self.plans: set[str] = set()  # display paths

    def observe(self, display_path: str, data: bytes) -> None:
        if any(marker in data for marker in BYTE_MARKERS):
            self.marked.add(display_path)
        if display_path.lower().endswith(_TERRAFORM_SUFFIXES) and _MODULE_WORD in data:
            self.module_texts[display_path] = data
        if may_be_plan_data(data):
            self.plans.add(display_path)
