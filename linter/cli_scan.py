"""`ephi-lint scan`: its options. What it does with them is linter.scan_command's.

Registered in linter/cli.py. Imports only typer at import time: the scan path loads what
it uses.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from linter.cli_options import environment_lists, option
from linter.command_memo import hand_over, remember
from linter.scan_command import perform
from linter.scan_options import ScanOptions

SCAN_EPILOG = """\b
Examples:
  ephi-lint scan .
  ephi-lint scan . -f sarif -o results.sarif --sarif-category iac
  ephi-lint scan . -o sarif=results.sarif -o junit=junit.xml -o text
  ephi-lint scan . -o gitlab-sast=gl-sast-report.json --soft-fail
  ephi-lint scan . --severity-threshold high --exclude-rule TLS-006
  ephi-lint scan . --framework terraform,kubernetes --skip-path 'legacy/**'
  ephi-lint scan . -f json --include-passed -o scan.json
  helm template chart/ | ephi-lint scan - --input-format kubernetes

\b
Every option can also be set as an environment variable EPHI_LINT_<OPTION>
(shown with each option): EPHI_LINT_FORMAT=sarif, EPHI_LINT_SOFT_FAIL=true,
a list comma-separated: EPHI_LINT_EXCLUDE_RULE=TLS-006,KEY-002.
The command line wins. Colour follows NO_COLOR and FORCE_COLOR
unless --color or --no-color is given.

\b
Exit codes: 0 nothing at or above the threshold, 1 findings (0 with
--soft-fail), 2 any error, whatever the options.
"""


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    markdown = "markdown"
    gitlab_sast = "gitlab-sast"


class Severity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class InputFormat(str, Enum):
    terraform = "terraform"
    cloudformation = "cloudformation"
    kubernetes = "kubernetes"


@environment_lists
def scan(
    context: typer.Context,
    paths: list[str] = typer.Argument(..., help="Files or directories; `-` reads one document "
                                                "from standard input."),
    output_format: OutputFormat = option(OutputFormat.text, "--format", "-f"),
    outputs: list[str] = option(
        [], "--output", "-o", metavar="[FORMAT=]FILE|FORMAT",
        help="Write the --format report to FILE, or FORMAT=FILE (repeatable: several "
             "outputs in one run; FORMAT alone, FORMAT=- or - is standard output)."),
    severity_threshold: Severity | None = option(
        None, "--severity-threshold",
        help="Report and fail only on findings of this severity or higher "
             "(default: the config's, else low)."),
    rules_dirs: list[Path] = option([], "--rules", help="Extra rule directory (repeatable)."),
    include_rules: list[str] = option(
        [], "--include-rule", help="Run only these rule ids (glob; repeatable or "
                                   "comma-separated)."),
    exclude_rules: list[str] = option(
        [], "--exclude-rule", help="Skip these rule ids (glob; repeatable or "
                                   "comma-separated)."),
    frameworks: list[str] = option(
        [], "--framework", metavar="NAME",
        help="Scan only these formats: terraform, cloudformation, kubernetes, tfplan, pem "
             "(repeatable or comma-separated; default: all)."),
    skip_frameworks: list[str] = option(
        [], "--skip-framework", metavar="NAME",
        help="Leave these formats out (repeatable or comma-separated)."),
    skip_paths: list[str] = option(
        [], "--skip-path", metavar="PATTERN",
        help="Leave out paths matching this gitignore-style pattern, relative to the scan "
             "root (repeatable); counted in the summary."),
    gitignore: bool = option(
        True, "--gitignore/--no-gitignore",
        help="Leave out what .gitignore files ignore (those in the scanned folders and "
             "above them up to the git root, as git reads them); counted in the summary."),
    input_format: InputFormat | None = option(
        None, "--input-format", help="Format of standard input (with `-`)."),
    fail_on_unknown: bool = option(
        False, "--fail-on-unknown", help="Exit 1 when a setting cannot be decided statically."),
    soft_fail: bool | None = option(
        None, "--soft-fail/--no-soft-fail",
        help="Findings do not fail the run (exit 0); an error still exits 2, never masked "
             "(default: the config's soft_fail, else off)."),
    max_file_size: float = option(10.0, "--max-file-size",
                                  help="Skip (and report) files larger than this, in MiB."),
    workers: int | None = option(
        None, "--workers", min=1, max=64,
        help="Processes that parse and judge files at once (default: one per core, up "
             "to 8; a scan of fewer than 128 files uses one)."),
    sarif_category: str | None = option(
        None, "--sarif-category", help="SARIF runAutomationDetails.id, for several uploads."),
    sarif_omit_suppressed: bool | None = option(
        None, "--sarif-omit-suppressed/--sarif-keep-suppressed",
        help="Leave suppressed results out of the SARIF file. GitHub shows a suppressed "
             "result as a closed alert that keeps its justification (the audit trail); "
             "leaving them out loses that trail, but avoids the alerts some GitHub setups "
             "still open for them. The JSON report keeps them either way "
             "(default: the config's sarif_omit_suppressed, else kept)."),
    color: bool | None = option(
        None, "--color/--no-color",
        help="Colour text output (default: on a terminal, unless NO_COLOR is set; "
             "FORCE_COLOR forces it)."),
    quiet: bool = option(False, "--quiet", "-q",
                         help="Only findings and errors: no summary line, no notices."),
    debug: bool = option(False, "--debug", help="Print the traceback of an internal error."),
    variables: list[str] = option(
        [], "--var", metavar="NAME=VALUE",
        help="Terraform variable value (repeatable); overrides tfvars and TF_VAR_."),
    variable_files: list[Path] = option(
        [], "--var-file", help="Terraform variables file (repeatable); applied before --var."),
    cfn_parameters: list[str] = option(
        [], "--cfn-param", metavar="NAME=VALUE",
        help="CloudFormation parameter value (repeatable)."),
    cfn_parameter_files: list[Path] = option(
        [], "--cfn-param-file",
        help="CloudFormation parameters as JSON, in the `aws cloudformation` form "
             '([{"ParameterKey": ..., "ParameterValue": ...}]) or a plain object.'),
    config_path: Path | None = option(
        None, "--config", help="Configuration file (default: the nearest .ephi-lint.yaml "
                               "in the scanned path's folder or above)."),
    no_config: bool = option(False, "--no-config", help="Ignore .ephi-lint.yaml files."),
    baseline: Path | None = option(
        None, "--baseline", help="SARIF file of accepted findings: report only new ones."),
    update_baseline: bool = option(
        False, "--update-baseline",
        help="Add this scan's findings to the --baseline file (kept findings stay)."),
    changed_files: bool = option(
        False, "--changed-files",
        help="The paths are changed files (pre-commit): evaluate each Terraform file with "
             "its whole module folder, report only findings in the given files."),
    shard: str | None = option(
        None, "--shard", metavar="K/N",
        help="Scan only shard K of N (a stable partition of the files; a Terraform module "
             "stays whole); combine the SARIF outputs with `ephi-lint merge`."),
    include_passed: bool = option(
        False, "--include-passed",
        help="JSON: add the inventory of every outcome, passed checks included (what "
             "`ephi-lint report` computes coverage from)."),
    checkov_results: Path | None = option(
        None, "--checkov-results", metavar="FILE",
        help="Fold checkov's JSON results (`checkov -o json`) into the JSON report, under "
             "the HIPAA sections they serve."),
    with_checkov: bool = option(
        False, "--with-checkov",
        help="Run checkov on the scanned folders and fold its results in (needs "
             "pip install 'ephi-lint[checkov]')."),
) -> None:
    """Scan infrastructure files for unencrypted ePHI and plaintext channels."""
    # Every parameter but the context, as parsed: ScanOptions names them the same
    # (tests/test_command_memo.py holds the two lists to each other).
    parsed = {name: value.value if isinstance(value, Enum) else value
              for name, value in locals().items() if name != "context"}
    options = ScanOptions(**parsed)
    remember(options)  # the next run of this command line skips typer (linter.command_memo)
    if hand_over(options):  # parsed for linter.launch's process, which runs the scan
        raise typer.Exit(0)
    raise typer.Exit(perform(options))
