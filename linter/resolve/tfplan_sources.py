"""Where a planned resource is declared: the scanned .tf files of the plan's configuration.

The plan's `configuration` names resources and module calls but carries no file or
line, so the scanned directory whose blocks declare all of the root module's
resources and module calls is taken as its root (the one nearest the plan file when
several do), and local module sources are followed from there.
"""

from __future__ import annotations

import posixpath
from typing import Any

from linter.parsers.terraform import HclBlock, TerraformFile
from linter.values import ConfigNode


def block_mode(mode: Any) -> str:
    """The plan's `managed`/`data` as ResolvedBlock's `resource`/`data`."""
    return "data" if mode == "data" else "resource"


def _items(value: Any) -> list[ConfigNode]:
    return [item for item in value if isinstance(item, ConfigNode)] \
        if isinstance(value, list) else []


class SourceIndex:
    """The scanned .tf files by directory, to find a planned resource's declaration."""

    def __init__(self, terraform: dict[str, list[TerraformFile]]) -> None:
        self._blocks: dict[str, dict[tuple[str, str, str], tuple[HclBlock, str]]] = {}
        for directory, files in terraform.items():
            found = self._blocks.setdefault(directory, {})
            for terraform_file in files:
                for block in terraform_file.blocks:
                    if block.type in ("resource", "data") and len(block.labels) == 2:
                        key = (block.type, *block.labels)
                    elif block.type == "module" and len(block.labels) == 1:
                        key = ("module", block.labels[0], "")
                    else:
                        continue
                    found.setdefault(key, (block, terraform_file.path))  # type: ignore[arg-type]

    def root_directory(self, root_module: ConfigNode, plan_path: str) -> str | None:
        """The scanned directory that declares every resource and module call of the
        plan's root module; the one nearest the plan file when several do."""
        wanted = {(block_mode(item.get("mode")), item.get("type"), item.get("name"))
                  for item in _items(root_module.get("resources"))}
        calls = root_module.get("module_calls")
        if isinstance(calls, ConfigNode):
            wanted |= {("module", name, "") for name in calls.keys()}
        if not wanted:
            return None
        candidates = [directory for directory, blocks in self._blocks.items()
                      if wanted <= set(blocks)]
        plan_dir = posixpath.dirname(plan_path) or "."
        return min(candidates, key=lambda d: (_distance(d, plan_dir), d), default=None)

    def module_directory(self, parent: str | None, source: Any) -> str | None:
        """A local module's directory (`./modules/x`), if it was scanned."""
        if parent is None or not isinstance(source, str) or not source.startswith(("./", "../")):
            return None
        directory = posixpath.normpath(posixpath.join(parent, source))
        return directory if directory in self._blocks else None

    def block(self, directory: str | None, mode: str, block_type: str,
              name: str) -> tuple[HclBlock, str] | None:
        return self._blocks.get(directory or "", {}).get((mode, block_type, name))


def _distance(directory: str, plan_dir: str) -> int:
    if directory == plan_dir:
        return 0
    if directory.startswith(plan_dir + "/") or plan_dir == ".":
        return 1
    return 2 if plan_dir.startswith(directory + "/") or directory == "." else 3
