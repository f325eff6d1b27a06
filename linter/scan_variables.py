"""The Terraform variables a scan is given on its command line, as the resolver's top
layers. Kept apart from linter.resolve.variables so that a scan whose result is stored
(linter.scan_cache) builds its request without importing the HCL parser."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CommandLineVariables:
    """`--var NAME=VALUE` and `--var-file FILE` values, in command-line order: each layer
    maps a name to its linter.parsers.terraform.HclAttribute."""

    layers: list[dict[str, Any]] = field(default_factory=list)
