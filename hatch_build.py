"""Wheel build hook: the compiled rule catalogue and source index go into the wheel.

A first `ephi-lint scan` after installing would otherwise validate every rule file
(importing jsonschema and every model) and import every adapter to learn which builds
what, about half a second, before its cache folder holds them. Compiled here, they ship as
`linter/_catalogue/catalogue.json` and `linter/_catalogue/source_index.json`, keyed by
the very files the wheel carries (see linter/catalogue.py and linter/source_index.py), so
the first run is as fast as any other.

They are compiled by ephi-lint itself, run from this source tree in a child process
(`python -m linter.catalogue` and `python -m linter.source_index`), which needs PyYAML
and jsonschema in the build environment (pyproject.toml's build-system requires). A
failure fails the build: a wheel never ships without them, or with stale ones.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SHIPPED = "linter/_catalogue"
COMPILED = (("linter.catalogue", "catalogue.json"), ("linter.source_index", "source_index.json"))


class CompiledCatalogueHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install reads the checkout and compiles into the cache
        self._scratch = Path(tempfile.mkdtemp(prefix="ephi-lint-build-"))
        # The child sees this source tree first, then exactly what this build process sees
        # (pip's isolated build environment, where PyYAML and jsonschema were installed).
        search_path = os.pathsep.join([self.root, *(entry for entry in sys.path if entry)])
        environment = {**os.environ, "PYTHONPATH": search_path, "PYTHONDONTWRITEBYTECODE": "1",
                       "EPHI_LINT_CACHE_DIR": str(self._scratch / "cache")}
        for module, name in COMPILED:
            output = self._scratch / name
            completed = subprocess.run([sys.executable, "-m", module, str(output)],
                                       cwd=self.root, env=environment, capture_output=True,
                                       text=True, timeout=600)
            if completed.returncode != 0 or not output.is_file():
                raise RuntimeError(f"compiling {name} for the wheel failed "
                                   f"({module}):\n{completed.stdout}{completed.stderr}")
            build_data["force_include"][str(output)] = f"{SHIPPED}/{name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
