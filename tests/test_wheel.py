"""The wheel as a user gets it: built from this checkout, installed into a clean virtual
environment (nothing from the checkout on the path), and run on the examples.

It catches what the editable install of the rest of the suite hides: data files (rules,
fixtures, tables, schemas) missing from the wheel, and imports of test-only packages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPOSITORY


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # A clean environment: no PYTHONPATH pointing at the checkout.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=600,
                          env=env)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean virtual environment holding the wheel built from this checkout."""
    tmp_path = tmp_path_factory.mktemp("wheel")
    wheels = tmp_path / "wheels"
    built = _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                 "--wheel-dir", str(wheels), str(REPOSITORY), cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    [wheel] = wheels.glob("ephi_lint-*.whl")

    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    installed = _run(str(python), "-m", "pip", "install", "--quiet",
                     "--disable-pip-version-check", str(wheel),
                     "-c", str(REPOSITORY / "constraints.txt"), cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    return environment


def test_the_wheel_installs_in_a_clean_venv_and_scans_the_examples(installed: Path,
                                                                     tmp_path: Path) -> None:
    environment = installed
    python = environment / "bin" / "python"
    # Run from outside the checkout, so only the installed package can answer.
    examples = REPOSITORY / "examples"
    scanned = _run(str(environment / "bin" / "ephi-lint"), "scan", str(examples),
                   "--format", "json", cwd=tmp_path)
    assert scanned.returncode == 1, scanned.stderr  # the examples hold findings
    report = json.loads(scanned.stdout)
    failed = {(finding["rule"], finding["resource"]) for finding in report["findings"]
              if finding["status"] == "fail"}
    assert ("ENC-002", "TranscoderScratchVolume") in failed
    assert ("TLS-004", "ResultsApiDomain") in failed
    origin = _run(str(python), "-c", "import linter; print(linter.__file__)", cwd=tmp_path)
    assert str(environment) in origin.stdout

    explained = _run(str(environment / "bin" / "ephi-lint"), "explain", "ENC-001", cwd=tmp_path)
    assert explained.returncode == 0 and "164.312(a)(2)(iv)" in explained.stdout


def test_the_wheel_ships_its_compiled_catalogue_and_source_index(installed: Path,
                                                                 tmp_path: Path) -> None:
    """Built at install time (hatch_build.py): a fresh install's first scan neither
    validates a rule (no jsonschema) nor imports every adapter to index them, and writes
    neither into its cache folder."""
    python = installed / "bin" / "python"
    shipped = _run(str(python), "-c", "import linter.catalogue as c, linter.source_index as s; "
                   "print(c.SHIPPED.is_file(), s.SHIPPED.is_file())", cwd=tmp_path)
    assert shipped.stdout.split() == ["True", "True"], shipped.stderr
    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "unrotated" {\n'
                                      '  description = "phi"\n}\n', encoding="utf-8")
    cache = tmp_path / "cache"
    probe = ("import sys\nfrom linter.cli import main\n"
             "sys.argv = ['ephi-lint', 'scan', 'main.tf', '--format', 'json', '-o', 'out.json']\n"
             "try:\n    main()\nexcept SystemExit as exit:\n    print('exit', exit.code)\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'jsonschema' "
             "or m.startswith('linter.adapters.terraform.')))")
    first = subprocess.run([str(python), "-c", probe], cwd=tmp_path, capture_output=True,
                           text=True, timeout=300,
                           env={**os.environ, "EPHI_LINT_CACHE_DIR": str(cache)})
    assert first.stdout.splitlines() == ["exit 1", "['linter.adapters.terraform.kms']"], \
        first.stderr
    report = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [(finding["rule"], finding["resource"], finding["line"])
            for finding in report["findings"]] == [("KEY-002", "aws_kms_key.unrotated", 1)]
    # "commands": the scan's options under its command line (linter.command_memo).
    assert sorted(path.name for path in cache.iterdir()) == ["commands", "parsed"]


def test_the_console_script_runs_a_repeated_command_line_without_typer(
        installed: Path, tmp_path: Path) -> None:
    """The installed `ephi-lint` starts at linter.launch: the second run of a scan command
    line imports no typer (PYTHONPROFILEIMPORTTIME lists every import on stderr) and
    writes the same report."""
    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "unrotated" {\n'
                                      '  description = "phi"\n}\n', encoding="utf-8")
    script = installed / "bin" / "ephi-lint"
    env = {**{key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
           "EPHI_LINT_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPROFILEIMPORTTIME": "1"}
    reports = []
    for typer_expected in (True, False):
        scanned = subprocess.run([str(script), "scan", "main.tf", "-f", "json"], cwd=tmp_path,
                                 capture_output=True, text=True, timeout=300, env=env)
        assert scanned.returncode == 1, scanned.stderr
        assert (" typer" in scanned.stderr) is typer_expected
        report = json.loads(scanned.stdout)
        reports.append([(finding["rule"], finding["resource"], finding["line"])
                        for finding in report["findings"]])
    assert reports[0] == reports[1] == [("KEY-002", "aws_kms_key.unrotated", 1)]
