"""Shared test helpers: run scans in-process and in a subprocess, find the SARIF schema."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]

# The moto server fixture (`moto_server`) of the live-scan tests, for every test module.
pytest_plugins = ("tests.live_server",)

# Tests never write outside temporary folders: the validation cache goes to one too.
os.environ.setdefault("EPHI_LINT_CACHE_DIR", tempfile.mkdtemp(prefix="ephi-lint-cache-"))
# Scan results are not stored across tests: a test that patches the code (a builder that
# crashes) and scans what another test scanned would read that test's result back. The
# result cache's own tests (test_scan_cache.py, test_result_cache.py) switch it on.
os.environ.setdefault("EPHI_LINT_RESULT_CACHE", "off")


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `ephi-lint` as a user would: a separate process, real exit code."""
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], cwd=cwd or REPOSITORY,
                          input=stdin, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPOSITORY), **(env or {})})


# The OASIS SARIF 2.1.0 schema and the GitHub ingestion check, vendored: tests never
# read outside the repository.
SARIF_SCHEMA = REPOSITORY / "tests" / "sarif" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="session")
def sarif_schema() -> dict:
    import json

    return json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
