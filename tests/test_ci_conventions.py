"""What checkov and trivy users expect of a CI scanner: --soft-fail, EPHI_LINT_* variables,
NO_COLOR and FORCE_COLOR, --quiet and --debug, framework and path selection with
.gitignore honoured, `-o -`, shell completion and help that fits 80 columns; and the
provenance, inventory and checkov results in the JSON report."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from linter.cli_scan import SCAN_EPILOG
from tests.conftest import REPOSITORY
from tests.live_helpers import findings, run_aws
from tests.live_server import MotoServer, client

ROTATING = 'resource "aws_kms_key" "ok" {\n  enable_key_rotation = true\n}\n'
NOT_ROTATING = 'resource "aws_kms_key" "phi" {\n  enable_key_rotation = false\n}\n'
EBS = ('resource "aws_ebs_volume" "scratch" {\n  availability_zone = "us-east-1a"\n'
       "  size      = 10\n  encrypted = false\n}\n")
KEY_ONLY = ("--include-rule", "KEY-002")
ANSI = "\x1b["


def _plain_environment(**extra: str) -> dict[str, str]:
    """The test process's environment without the variables under test."""
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("EPHI_LINT_") or key == "EPHI_LINT_CACHE_DIR"}
    for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "TERMINAL_WIDTH"):
        environment.pop(name, None)
    environment["PYTHONPATH"] = str(REPOSITORY)
    return {**environment, **extra}


def _cli(*args: str, cwd: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env=_plain_environment(**environment))


def _findings(completed: subprocess.CompletedProcess[str]) -> set[tuple[str, str, int]]:
    return {(finding["rule"], finding["resource"], finding["line"])
            for finding in json.loads(completed.stdout)["findings"]}


@pytest.fixture()
def stack(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text(NOT_ROTATING + "\n" + EBS)
    return tmp_path


# --- --soft-fail ------------------------------------------------------------------------

def test_soft_fail_exits_0_on_findings_and_2_on_errors(stack: Path) -> None:
    findings = _cli("scan", ".", *KEY_ONLY, "--soft-fail", "-f", "json", cwd=stack)
    assert findings.returncode == 0, findings.stderr
    assert _findings(findings) == {("KEY-002", "aws_kms_key.phi", 2)}
    assert json.loads(findings.stdout)["summary"]["exit_code"] == 0
    (stack / "broken.tf").write_text("resource {\n")
    broken = _cli("scan", ".", *KEY_ONLY, "--soft-fail", cwd=stack)
    assert broken.returncode == 2  # an error is never masked


def test_soft_fail_from_the_config_and_the_command_line_wins(stack: Path) -> None:
    (stack / ".ephi-lint.yaml").write_text("soft_fail: true\n")
    assert _cli("scan", ".", *KEY_ONLY, cwd=stack).returncode == 0
    assert _cli("scan", ".", *KEY_ONLY, "--no-soft-fail", cwd=stack).returncode == 1
    assert _cli("scan", ".", *KEY_ONLY, cwd=stack,
                EPHI_LINT_SOFT_FAIL="false").returncode == 1


# --- EPHI_LINT_<OPTION> -----------------------------------------------------------------

def test_options_from_the_environment(stack: Path) -> None:
    completed = _cli("scan", ".", cwd=stack, EPHI_LINT_FORMAT="json",
                     EPHI_LINT_INCLUDE_RULE="KEY-002,ENC-002", EPHI_LINT_SOFT_FAIL="true")
    assert completed.returncode == 0, completed.stderr
    assert _findings(completed) == {("KEY-002", "aws_kms_key.phi", 2),
                                    ("ENC-002", "aws_ebs_volume.scratch", 8)}
    excluded = _cli("scan", ".", "--include-rule", "KEY-002,ENC-002", "-f", "json",
                    cwd=stack, EPHI_LINT_EXCLUDE_RULE="ENC-002")
    assert _findings(excluded) == {("KEY-002", "aws_kms_key.phi", 2)}
    high = _cli("scan", ".", "--include-rule", "KEY-002", "--include-rule", "ENC-002",
                "-f", "json", cwd=stack, EPHI_LINT_SEVERITY_THRESHOLD="high")
    assert _findings(high) == {("ENC-002", "aws_ebs_volume.scratch", 8)}


def test_the_command_line_wins_over_the_environment(stack: Path) -> None:
    completed = _cli("scan", ".", *KEY_ONLY, "-f", "text", "--no-color", cwd=stack,
                     EPHI_LINT_FORMAT="json", EPHI_LINT_INCLUDE_RULE="ENC-002")
    assert completed.returncode == 1
    assert completed.stdout.splitlines()[0] == "main.tf"
    assert completed.stdout.splitlines()[1].split()[:3] == ["2", "medium", "KEY-002"]


def test_list_variables_split_at_commas_only(tmp_path: Path) -> None:
    """A value may hold spaces (a path) or, for NAME=VALUE lists, commas."""
    (tmp_path / "main.tf").write_text(
        'variable "rotate" {}\nvariable "note" {}\n'
        'resource "aws_kms_key" "phi" {\n  enable_key_rotation = var.rotate\n'
        "  description = var.note\n}\n")
    folder = tmp_path / "my vars"
    folder.mkdir()
    (folder / "prod.tfvars").write_text("rotate = false\n")
    completed = _cli("scan", ".", *KEY_ONLY, "-f", "json", cwd=tmp_path,
                     EPHI_LINT_VAR_FILE="my vars/prod.tfvars",
                     EPHI_LINT_VAR="note=a,b,c")
    assert _findings(completed) == {("KEY-002", "aws_kms_key.phi", 4)}
    overridden = _cli("scan", ".", *KEY_ONLY, "-f", "json", cwd=tmp_path,
                      EPHI_LINT_VAR="note=x, y,rotate=true")
    assert _findings(overridden) == set()
    assert overridden.returncode == 0, overridden.stderr


def test_help_lists_every_variable(tmp_path: Path) -> None:
    completed = _cli("scan", "--help", cwd=tmp_path, COLUMNS="80")
    assert completed.returncode == 0
    flat = " ".join(completed.stdout.split())
    for name in ("EPHI_LINT_FORMAT", "EPHI_LINT_OUTPUT", "EPHI_LINT_SEVERITY_THRESHOLD",
                 "EPHI_LINT_SOFT_FAIL", "EPHI_LINT_EXCLUDE_RULE", "EPHI_LINT_FRAMEWORK",
                 "EPHI_LINT_SKIP_PATH", "EPHI_LINT_GITIGNORE", "EPHI_LINT_QUIET",
                 "EPHI_LINT_DEBUG", "EPHI_LINT_SARIF_OMIT_SUPPRESSED", "EPHI_LINT_VAR_FILE"):
        assert f"env var: {name}" in flat.replace("[env var: ", "env var: "), name
    aws = _cli("aws", "--help", cwd=tmp_path, COLUMNS="80")
    assert "EPHI_LINT_REGIONS" in aws.stdout and "EPHI_LINT_ORG_ROLE" in aws.stdout


def test_help_examples_are_whole_at_80_columns(tmp_path: Path) -> None:
    examples = [line.strip() for line in SCAN_EPILOG.splitlines()
                if line.startswith("  ") and "ephi-lint" in line]
    assert len(examples) == 8
    completed = _cli("scan", "--help", cwd=tmp_path, COLUMNS="80")
    lines = [line.strip() for line in completed.stdout.splitlines()]
    for example in examples:
        assert example in lines, example
    assert max(len(line) for line in completed.stdout.splitlines()) <= 80


# --- colour -----------------------------------------------------------------------------

def _on_a_terminal(args: list[str], cwd: Path, **environment: str) -> tuple[int, str]:
    """Run with a pseudo-terminal as stdin, stdout and stderr, as a person would."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "linter.cli", *args], cwd=cwd,
                               stdin=secondary, stdout=secondary, stderr=secondary,
                               env=_plain_environment(**environment))
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(primary)
    return process.wait(timeout=300), output.decode(errors="replace")


def test_no_color_on_a_real_terminal(stack: Path) -> None:
    code, coloured = _on_a_terminal(["scan", ".", *KEY_ONLY], stack)
    assert code == 1
    assert ANSI in coloured  # a terminal gets colour by default
    code, plain = _on_a_terminal(["scan", ".", *KEY_ONLY], stack, NO_COLOR="1")
    assert code == 1
    assert "KEY-002" in plain
    assert ANSI not in plain
    _, forced = _on_a_terminal(["scan", ".", *KEY_ONLY, "--color"], stack, NO_COLOR="1")
    assert ANSI in forced  # the option wins over the variable


def test_force_color_when_piped(stack: Path) -> None:
    assert ANSI not in _cli("scan", ".", *KEY_ONLY, cwd=stack).stdout
    assert ANSI in _cli("scan", ".", *KEY_ONLY, cwd=stack, FORCE_COLOR="1").stdout
    assert ANSI not in _cli("scan", ".", *KEY_ONLY, "--no-color", cwd=stack,
                            FORCE_COLOR="1").stdout


# --- --quiet and --debug ----------------------------------------------------------------

def test_quiet_prints_only_findings_and_errors(stack: Path) -> None:
    (stack / "waived.tf").write_text(
        'resource "aws_kms_key" "archive" { # ephi-lint: ignore[KEY-002] decrypt-only, RB-7\n'
        "  enable_key_rotation = false\n}\n")
    completed = _cli("scan", ".", *KEY_ONLY, "--quiet", cwd=stack)
    assert completed.returncode == 1
    assert completed.stdout.splitlines() == [
        "main.tf",
        "      2  medium   KEY-002  KMS key aws_kms_key.phi does not rotate its key material: "
        "`enable_key_rotation` is false",
        "                fix: Enable automatic rotation on every symmetric customer-managed "
        "key."]
    assert completed.stderr == ""
    (stack / "broken.tf").write_text("resource {\n")
    broken = _cli("scan", ".", *KEY_ONLY, "-q", "-f", "sarif", "-o", "out.sarif", cwd=stack)
    assert (broken.returncode, broken.stdout, broken.stderr) == (2, "", "")
    errors = _cli("scan", ".", *KEY_ONLY, "-q", cwd=stack)
    assert errors.stdout.splitlines()[-2:] == ["Could not be scanned:",
                                               errors.stdout.splitlines()[-1]]
    assert errors.stdout.splitlines()[-1].startswith("  error    broken.tf:")


def test_debug_option_prints_the_traceback(tmp_path: Path) -> None:
    program = ("import sys\n"
               "import linter.pipeline\n"
               "def scan(*args, **kwargs):\n"
               "    raise RuntimeError('unexpected')\n"
               "linter.pipeline.scan = scan\n"
               "from linter.cli import main\n"
               "sys.argv = ['ephi-lint', 'scan', '.', '--debug']\n"
               "main()\n")
    (tmp_path / "main.tf").write_text(ROTATING)
    completed = subprocess.run([sys.executable, "-c", program], cwd=tmp_path,
                               capture_output=True, text=True, timeout=120,
                               env=_plain_environment())
    assert completed.returncode == 2
    assert "Traceback (most recent call last)" in completed.stderr
    # The line that called the pipeline: linter/cli_run.py, where `scan` runs it.
    assert re.search(r"\nephi-lint: internal error: RuntimeError at linter/cli_run\.py:\d+: "
                     r"unexpected\n$", completed.stderr)


# --- which files: frameworks, --skip-path, .gitignore -----------------------------------

def _inputs(completed: subprocess.CompletedProcess[str]) -> list[str]:
    return [item["path"] for item in json.loads(completed.stdout)["provenance"]["inputs"]]


@pytest.fixture()
def formats(tmp_path: Path) -> Path:
    for folder in ("tf", "cfn", "k8s", "plan", "certs"):
        (tmp_path / folder).mkdir()
    (tmp_path / "tf" / "main.tf").write_text(NOT_ROTATING)
    shutil.copy(REPOSITORY / "fixtures" / "KEY-002" / "fail.cfn.yaml", tmp_path / "cfn" /
                "stack.yaml")
    shutil.copy(REPOSITORY / "fixtures" / "CRT-001" / "fail.k8s.yaml", tmp_path / "k8s" /
                "secret.yaml")
    shutil.copy(REPOSITORY / "tests" / "plans" / "kms" / "plan.json", tmp_path / "plan" /
                "plan.json")
    shutil.copy(REPOSITORY / "fixtures" / "CRT-001" / "fail.pem", tmp_path / "certs" /
                "server.pem")
    return tmp_path


def _files_with_findings(completed: subprocess.CompletedProcess[str]) -> set[str]:
    return {finding["file"] for finding in json.loads(completed.stdout)["findings"]}


def test_frameworks_select_what_is_scanned(formats: Path) -> None:
    rules = ("--include-rule", "KEY-002,CRT-001", "-f", "json")
    every = _cli("scan", ".", *rules, cwd=formats)
    assert _files_with_findings(every) == {"tf/main.tf", "cfn/stack.yaml", "k8s/secret.yaml",
                                           "plan/plan.json", "certs/server.pem"}
    assert json.loads(every.stdout)["summary"]["skipped"] == {}
    chosen = _cli("scan", ".", *rules, "--framework", "terraform,kubernetes",
                  "--framework", "tfplan", "--skip-framework", "terraform", cwd=formats)
    assert _files_with_findings(chosen) == {"k8s/secret.yaml", "plan/plan.json"}
    # YAML and JSON are read to tell their format; Terraform and PEM are not even read.
    assert _inputs(chosen) == ["cfn/stack.yaml", "k8s/secret.yaml", "plan/plan.json"]
    assert json.loads(chosen.stdout)["summary"]["skipped"] == {"--framework": 3}
    text = _cli("scan", ".", "--include-rule", "KEY-002,CRT-001", "--framework",
                "cloudformation", cwd=formats)
    assert text.returncode == 1
    assert text.stdout.splitlines()[-1].endswith("; 4 files skipped by --framework")


def test_a_framework_selection_that_leaves_nothing_is_an_error(formats: Path) -> None:
    (formats / "certs" / "server.pem").unlink()
    completed = _cli("scan", "certs", "tf", "--framework", "pem", "-f", "json", cwd=formats)
    assert completed.returncode == 2
    assert [problem["reason"] for problem in json.loads(completed.stdout)["problems"]] == [
        "nothing was judged: none of the files found under certs, tf (1 file) is of the "
        "selected frameworks (pem)"]
    unknown = _cli("scan", ".", "--framework", "ansible", cwd=formats)
    assert unknown.returncode == 2
    assert "unknown framework 'ansible'" in unknown.stderr


@pytest.fixture()
def repository(tmp_path: Path) -> Path:
    """A git repository whose .gitignore files (root and nested) leave files out."""
    root = tmp_path / "repo"
    infra = root / "infra"
    for folder in (infra / "generated", infra / "legacy"):
        folder.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".gitignore").write_text("generated/\n*.local.tf\n")
    (infra / ".gitignore").write_text("!keep.local.tf\nscratch.yaml\n")
    for name in ("main.tf", "dev.local.tf", "keep.local.tf", "generated/out.tf",
                 "legacy/old.tf"):
        label = Path(name).stem.replace(".", "_")
        (infra / name).write_text(ROTATING.replace('"ok"', f'"{label}"'))
    (infra / "scratch.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n")
    return root


def test_gitignore_files_are_honoured_as_git_reads_them(repository: Path) -> None:
    completed = _cli("scan", "infra", *KEY_ONLY, "-f", "json", cwd=repository)
    assert completed.returncode == 0, completed.stderr
    # The root .gitignore counts though only infra/ is scanned; the nested one re-includes
    # keep.local.tf and ignores scratch.yaml; generated/ is one path, never entered.
    assert _inputs(completed) == ["infra/keep.local.tf", "infra/legacy/old.tf",
                                  "infra/main.tf"]
    assert json.loads(completed.stdout)["summary"]["skipped"] == {".gitignore": 3}
    everything = _cli("scan", "infra", *KEY_ONLY, "-f", "json", "--no-gitignore",
                      cwd=repository)
    assert _inputs(everything) == ["infra/dev.local.tf", "infra/generated/out.tf",
                                   "infra/keep.local.tf", "infra/legacy/old.tf",
                                   "infra/main.tf", "infra/scratch.yaml"]


def test_skip_path_patterns_are_relative_to_the_scan_root(repository: Path) -> None:
    completed = _cli("scan", ".", *KEY_ONLY, "-f", "json", "--skip-path", "infra/legacy/",
                     "--skip-path", "*.local.tf", "--no-gitignore", cwd=repository)
    assert _inputs(completed) == ["infra/generated/out.tf", "infra/main.tf",
                                  "infra/scratch.yaml"]
    assert json.loads(completed.stdout)["summary"]["skipped"] == {"--skip-path": 3}
    text = _cli("scan", ".", *KEY_ONLY, "--skip-path", "/infra/legacy", cwd=repository)
    summary = text.stdout.splitlines()[-1]
    assert summary.startswith("0 failed, 0 unknown, 2 passed: 1 rule over 2 resources in 2 ")
    assert summary.endswith("s); 1 path skipped by --skip-path; 3 paths skipped by .gitignore")


def test_gitignore_outside_a_repository_counts_only_inside_the_scan(tmp_path: Path) -> None:
    scanned = tmp_path / "scanned"
    scanned.mkdir()
    (tmp_path / ".gitignore").write_text("*.tf\n")  # above the scan, no git root: ignored
    (scanned / ".gitignore").write_text("old.tf\n")
    (scanned / "main.tf").write_text(ROTATING)
    (scanned / "old.tf").write_text(ROTATING.replace('"ok"', '"old"'))
    completed = _cli("scan", "scanned", *KEY_ONLY, "-f", "json", cwd=tmp_path)
    assert _inputs(completed) == ["scanned/main.tf"]


# --- standard output, completion --------------------------------------------------------

def test_dash_is_standard_output_in_every_form(stack: Path) -> None:
    for args in (["-f", "json", "-o", "-"], ["-o", "json=-"], ["-o", "json"]):
        completed = _cli("scan", ".", *KEY_ONLY, *args, cwd=stack)
        assert completed.returncode == 1, args
        assert _findings(completed) == {("KEY-002", "aws_kms_key.phi", 2)}
        assert not (stack / "-").exists()
    sarif = _cli("scan", ".", *KEY_ONLY, "-f", "sarif", "-o", "-", cwd=stack,
                 EPHI_LINT_OUTPUT="ignored.sarif")
    assert json.loads(sarif.stdout)["version"] == "2.1.0"
    assert not (stack / "ignored.sarif").exists()
    baseline = _cli("baseline", "create", ".", *KEY_ONLY, "-o", "-", cwd=stack)
    assert baseline.returncode == 0, baseline.stderr
    assert json.loads(baseline.stdout)["runs"][0]["results"][0]["ruleId"] == "KEY-002"
    assert not (stack / "-").exists()


def test_shell_completion_is_available(tmp_path: Path) -> None:
    completed = _cli("--show-completion", "bash", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "_EPHI_LINT_COMPLETE=complete_bash" in completed.stdout
    words = _cli(cwd=tmp_path, _EPHI_LINT_COMPLETE="complete_bash",
                 COMP_WORDS="ephi-lint scan --sarif-omit", COMP_CWORD="2")
    assert "--sarif-omit-suppressed" in words.stdout


# --- provenance, inventory, checkov -----------------------------------------------------

def test_json_carries_provenance_and_with_include_passed_the_inventory(stack: Path) -> None:
    completed = _cli("scan", ".", *KEY_ONLY, "--include-passed", "-f", "json",
                     "--var", "db_password=hunter2", cwd=stack)
    document = json.loads(completed.stdout)
    record = document["provenance"]
    assert [(item["path"], len(item["sha256"])) for item in record["inputs"]] == [
        ("main.tf", 64)]
    assert record["command_line"][:2] == ["ephi-lint", "scan"]
    assert "hunter2" not in json.dumps(record)
    assert record["roots"][0]["git"]["commit"] is None  # tmp_path is not a repository
    assert record["started"].endswith("Z") and record["finished"] >= record["started"]
    assert [(row["rule"], row["resource"], row["status"]) for row in document["inventory"]] \
        == [("KEY-002", "aws_kms_key.phi", "fail")]
    without = json.loads(_cli("scan", ".", *KEY_ONLY, "-f", "json", cwd=stack).stdout)
    assert "inventory" not in without


def test_the_scan_json_feeds_the_report_command(stack: Path) -> None:
    """`scan --include-passed` writes what `ephi-lint report` (registered on the main
    command) reads: the inventory and the provenance."""
    scanned = _cli("scan", ".", *KEY_ONLY, "-f", "json", "--include-passed", "-o",
                   "scan.json", cwd=stack)
    assert scanned.returncode == 1, scanned.stderr
    digest = json.loads((stack / "scan.json").read_text())["provenance"]["rules"]["sha256"]
    report = _cli("report", "scan.json", "-o", "report.html", cwd=stack)
    assert report.returncode == 0, report.stderr
    assert digest in (stack / "report.html").read_text()


CHECKOV_RESULTS = [{"check_type": "terraform", "results": {
    "passed_checks": [],
    "failed_checks": [
        {"check_id": "CKV_AWS_7", "check_name": "Ensure rotation for customer created CMKs "
         "is enabled", "file_path": "/main.tf", "file_line_range": [1, 3],
         "resource": "aws_kms_key.phi", "check_result": {"result": "FAILED"}},
        {"check_id": "CKV_AWS_40", "check_name": "Ensure IAM policies are attached only to "
         "groups or roles", "file_path": "/iam.tf", "file_line_range": [1, 9],
         "resource": "aws_iam_user_policy.billing", "check_result": {"result": "FAILED"}}],
    "skipped_checks": [], "parsing_errors": []}}]


def test_checkov_results_are_folded_into_the_json(stack: Path) -> None:
    (stack / "checkov.json").write_text(json.dumps(CHECKOV_RESULTS))
    completed = _cli("scan", ".", *KEY_ONLY, "-f", "json", "--checkov-results",
                     "checkov.json", cwd=stack)
    assert completed.returncode == 1, completed.stderr
    # CKV_AWS_7 repeats KEY-002 on the same key: ephi-lint's own outcome is kept instead.
    assert [(item["check_id"], item["resource"], item["hipaa"], item["topic"])
            for item in json.loads(completed.stdout)["checkov"]] == [
        ("CKV_AWS_40", "aws_iam_user_policy.billing",
         ["164.312(a)(1)", "164.308(a)(4)(ii)(B)"], "access-control")]
    (stack / "bad.json").write_text("{not json")
    bad = _cli("scan", ".", *KEY_ONLY, "--checkov-results", "bad.json", cwd=stack)
    assert bad.returncode == 2
    assert bad.stderr.startswith("ephi-lint: error: --checkov-results bad.json: cannot read")


def test_with_checkov_without_checkov_is_a_clear_error(stack: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()
    completed = _cli("scan", ".", *KEY_ONLY, "--with-checkov", cwd=stack, PATH=str(empty))
    assert completed.returncode == 2
    assert completed.stderr == ("ephi-lint: error: --with-checkov: checkov is not installed "
                                "(pip install 'ephi-lint[checkov]')\n")


# --- the same conventions on `ephi-lint aws` --------------------------------------------

def test_aws_options_from_the_environment_soft_fail_and_quiet(
        moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> None:
    moto_server.reset()
    key = client("kms").create_key(Description="forgotten key")["KeyMetadata"]["Arn"]
    monkeypatch.setenv("EPHI_LINT_REGIONS", "us-east-1")
    monkeypatch.setenv("EPHI_LINT_SERVICES", "kms")
    monkeypatch.setenv("EPHI_LINT_SOFT_FAIL", "true")
    result = run_aws("-o", "json=-", "--quiet", "--include-passed", rules=["KEY-002"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert findings(document, attribute=False) == {("KEY-002", "fail", key)}
    assert result.stderr == ""  # quiet: no progress, no summary
    assert [(row["rule"], row["resource"], row["root"]) for row in document["inventory"]] == [
        ("KEY-002", key, "aws/123456789012")]
    live = document["provenance"]["live"]
    assert (live["account_id"], live["regions"]) == ("123456789012", ["us-east-1"])
    # Who scanned: the identity GetCallerIdentity named (moto's default user).
    assert live["caller_arn"] == "arn:aws:sts::123456789012:user/moto"
    assert [(unit["service"], unit["status"]) for unit in live["services_read"]] == [
        ("kms", "read")]
    monkeypatch.setenv("EPHI_LINT_SOFT_FAIL", "false")
    failing = run_aws("-f", "json", "-o", "-", rules=["KEY-002"])
    assert failing.exit_code == 1
    assert json.loads(failing.stdout)["summary"]["failed"] == 1
