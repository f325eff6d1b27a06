"""The real `pre-commit` tool runs the `ephi-lint` hook from this repository.

`pre-commit try-repo` needs a git repository with the hook manifest committed, so the
working tree (tracked and untracked files, not .git) is copied into a temporary
repository and committed there. pre-commit then builds its own virtualenv and
pip-installs that copy, exactly as a user's `pre-commit install` would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPOSITORY

if shutil.which("pre-commit") is None:
    if os.environ.get("CI") == "true":
        pytest.fail("pre-commit is not installed", pytrace=False)
    pytest.skip("pre-commit is not installed", allow_module_level=True)

ROTATE_VARIABLE = 'variable "rotate" {\n  default = false\n}\n'
BAD = 'resource "aws_kms_key" "phi" {\n  enable_key_rotation = var.rotate\n}\n'
FIXED = 'resource "aws_kms_key" "phi" {\n  enable_key_rotation = true\n}\n'
GOOD = ('resource "aws_ebs_volume" "scratch" {\n  availability_zone = "us-east-1a"\n'
        "  size = 10\n  encrypted = true\n  kms_key_id = aws_kms_key.phi.arn\n}\n")
# In the same module but not staged: its finding must not be reported by the hook.
UNCHANGED = 'resource "aws_kms_key" "legacy" {\n  enable_key_rotation = false\n}\n'


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


def _repository_copy(destination: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"],
                            cwd=REPOSITORY, check=True, capture_output=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = REPOSITORY / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git(destination, "init", "-q")
    _git(destination, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    _git(destination, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm",
         "snapshot")
    return destination


def _try_repo(hook_repo: Path, project: Path, home: Path,
              *files: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home), "PYTHONPATH": ""}
    environment.pop("EPHI_LINT_CACHE_DIR", None)
    return subprocess.run(["pre-commit", "try-repo", str(hook_repo), "ephi-lint", "--files",
                           *files], cwd=project, capture_output=True, text=True,
                          timeout=900, env=environment)


def test_hook_fails_on_the_bad_file_and_passes_once_fixed(tmp_path: Path) -> None:
    hook_repo = _repository_copy(tmp_path / "ephi-lint")
    project = tmp_path / "clinic"
    (project / "infra").mkdir(parents=True)
    _git(project, "init", "-q")
    _git(project, "config", "user.name", "Clinic Dev")
    _git(project, "config", "user.email", "dev@clinic.example")
    (project / "infra" / "variables.tf").write_text(ROTATE_VARIABLE)
    (project / "infra" / "legacy.tf").write_text(UNCHANGED)
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "existing module")
    (project / "infra" / "keys.tf").write_text(BAD)
    (project / "infra" / "volumes.tf").write_text(GOOD)
    _git(project, "add", "infra/keys.tf", "infra/volumes.tf")
    home = tmp_path / "pre-commit-home"

    failed = _try_repo(hook_repo, project, home, "infra/keys.tf", "infra/volumes.tf")
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "ephi-lint (HIPAA encryption policy)" in output and "Failed" in output
    # The variable's default lives in variables.tf, which was not passed: the module
    # folder was loaded, so the finding is FAIL at the attribute's line, not UNKNOWN.
    assert "infra/keys.tf\n      2  medium   KEY-002  KMS key aws_kms_key.phi does not " \
           "rotate its key material" in output
    assert "legacy" not in output  # unchanged file in the same module: not reported

    (project / "infra" / "keys.tf").write_text(FIXED)
    _git(project, "add", "infra/keys.tf")
    passed = _try_repo(hook_repo, project, home, "infra/keys.tf", "infra/volumes.tf")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
