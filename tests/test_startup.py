"""The CLI starts light: no boto3 or checkov import on the scan path."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPOSITORY

HEAVY = ("boto3", "botocore", "checkov", "moto")


def _modules_after(code: str) -> list[str]:
    probe = (f"{code}\nimport sys\n"
             f"print(','.join(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))")
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                               cwd=REPOSITORY, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return [name for name in completed.stdout.strip().split(",") if name]


def test_importing_the_cli_imports_no_cloud_sdk() -> None:
    assert _modules_after("import linter.cli") == []


def test_a_full_scan_imports_no_cloud_sdk() -> None:
    code = ("from linter.cli import app\n"
            "try:\n    app(['scan', 'examples/', '--format', 'json', '-o', '/dev/null'])\n"
            "except SystemExit:\n    pass")
    assert _modules_after(code) == []
