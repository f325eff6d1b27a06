"""`ephi-lint scan`: its options, then what the run adds to the ScanReport before it is
rendered (checkov's results, an updated baseline, provenance) and the exit code.

Registered in linter/cli.py. The pipeline itself runs in linter.cli_run, shared with
`baseline create`. Imports only typer at import time: the scan path loads what it uses.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from linter.catalogue import refuse_inside as refuse_catalogue_inside
from linter.cli_options import environment_lists, option, select_frameworks, set_debug, split_list
from linter.cli_output import fail, write_reports
from linter.cli_run import ScanRun, execute, start_ahead

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


def _read_baseline(path: Path) -> frozenset[str]:
    from linter.merge import SarifError, fingerprints, read_sarif

    try:
        return fingerprints(read_sarif(path))
    except SarifError as error:
        raise fail(f"--baseline {error}") from None


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
    # First: discovery and the inputs' reading run in a forked process while the report,
    # configuration and rules load here (linter.scan_ahead).
    ahead = None if changed_files else start_ahead(paths, tuple(skip_paths), gitignore)
    if ahead is not None:
        context.call_on_close(ahead.close)
    from linter.provenance import utc_now
    from linter.report.outputs import RenderOptions, parse_targets, use_colour

    set_debug(debug)
    started = utc_now()
    try:
        targets = parse_targets(output_format.value, outputs)
    except ValueError as error:
        raise fail(str(error)) from None
    if update_baseline and baseline is None:
        raise fail("--update-baseline needs --baseline FILE")
    if checkov_results is not None and with_checkov:
        raise fail("--checkov-results and --with-checkov: give one of them")
    known = _read_baseline(baseline) if baseline is not None and baseline.exists() \
        else frozenset()
    if baseline is not None and not baseline.exists() and not update_baseline:
        raise fail(f"--baseline {baseline}: no such file")
    run = ScanRun(paths=paths, rules_dirs=rules_dirs, include_rules=split_list(include_rules),
                  exclude_rules=split_list(exclude_rules), config_path=config_path,
                  no_config=no_config,
                  severity_threshold=severity_threshold.value if severity_threshold else None,
                  fail_on_unknown=fail_on_unknown,
                  input_format=input_format.value if input_format else None,
                  max_file_size=max_file_size, variables=variables, variable_files=variable_files,
                  cfn_parameters=cfn_parameters, cfn_parameter_files=cfn_parameter_files,
                  changed_files=changed_files, shard=shard, baseline=known, soft_fail=soft_fail,
                  frameworks=select_frameworks(frameworks, skip_frameworks),
                  skip_paths=tuple(skip_paths), gitignore=gitignore, workers=workers,
                  ahead=ahead)
    refuse_catalogue_inside([Path(path) for path in paths if path != "-"])
    git_states = None
    if any(target.format in PROVENANCE_FORMATS for target in targets) and not changed_files:
        from linter.provenance import GitStates

        git_states = GitStates(_provenance_roots(run, Path()))  # git runs while we scan
        run.after_discovery = git_states.advance
    scanned = execute(run)
    report, root = scanned.report, scanned.root
    report.include_passed = include_passed
    report.roots = tuple(_display_roots(paths, root))
    if checkov_results is not None or with_checkov:
        report.checkov = _checkov(report, paths, checkov_results)
    if update_baseline and baseline is not None:  # a baseline carries no provenance
        report.baseline = _update_baseline(baseline, report, root, sarif_category)
    if any(target.format in PROVENANCE_FORMATS for target in targets):
        report.provenance = _provenance(started, run, report, root, git_states)
    options = RenderOptions(
        root=root, category=sarif_category, colour=use_colour(color, sys.stdout), quiet=quiet,
        omit_suppressed=scanned.config.sarif_omit_suppressed if sarif_omit_suppressed is None
        else sarif_omit_suppressed)
    write_reports(targets, report, options, quiet)  # in pieces: a large report is no one string
    raise typer.Exit(report.exit_code)


def _display_roots(paths: list[str], root: Path) -> list[str]:
    from linter.discover import display_path

    return ["stdin" if path == "-" else display_path(Path(path), root) for path in paths]


# The outputs that carry the provenance record. Collecting it digests every rule file and
# runs `git status`, tens of milliseconds that a pre-commit run's text output never shows.
PROVENANCE_FORMATS = frozenset({"json", "sarif", "gitlab-sast"})


def _provenance(started: Any, run: ScanRun, report: Any, root: Path,
                git_states: Any = None) -> dict[str, Any]:
    """When, by which rules, over which inputs (linter.provenance): collected for every
    output that carries it, so each JSON, SARIF and GitLab report can be tied to a commit
    and a rule catalogue. `git_states`: the roots' GitStates, started before the scan."""
    from linter.engine import catalogue_directory
    from linter.provenance import collect, utc_now

    return collect(started=started, finished=utc_now(), roots=_provenance_roots(run, root),
                   inputs=report.result.inputs,
                   rule_directories=[catalogue_directory("rules"), *run.rules_dirs],
                   argv=["ephi-lint", *sys.argv[1:]], display_root=root,
                   known_digests=getattr(report.result, "input_digests", None),
                   git=git_states)


def _provenance_roots(run: ScanRun, root: Path) -> list[Path]:
    # pre-commit names each changed file: one root (one `git status`) stands for them.
    return [root] if run.changed_files else [Path(path) for path in run.paths if path != "-"]


def _checkov(report: Any, paths: list[str], results_file: Path | None) -> list[dict[str, Any]]:
    """checkov's results (read from --checkov-results, or from running it with
    --with-checkov), less those an ephi-lint rule already judged on the same resource."""
    from linter.checkov_results import (
        CheckovUnavailable,
        fold,
        read_results,
        results_json,
        run_checkov,
        scanned_file,
    )
    from linter.metrics import inventory_json

    documents: list[Any] = []
    try:
        if results_file is not None:
            documents.append(json.loads(results_file.read_text(encoding="utf-8")))
        else:
            folders = dict.fromkeys(Path(path) if Path(path).is_dir() else Path(path).parent
                                    for path in paths if path != "-")
            documents += [run_checkov(folder) for folder in folders]
    except CheckovUnavailable as error:
        raise fail(f"--with-checkov: {error}") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise fail(f"--checkov-results {results_file}: cannot read checkov's JSON: "
                   f"{error}") from None
    rules = report.result.rules
    scanned = [shown for _, shown in report.result.inputs]
    try:
        # checkov's paths become the scanned files they name (its Kubernetes runner
        # repeats a relative -d folder: examples/examples/job.yaml).
        results = [dataclasses.replace(result, file=scanned_file(result.file, scanned))
                   for document in documents for result in read_results(document, rules)]
    except (TypeError, ValueError, KeyError) as error:
        raise fail(f"checkov's JSON results are malformed: {error}") from None
    inventory = inventory_json(report.result.outcomes, report.roots)
    return results_json(fold(results, inventory).kept)


def _update_baseline(path: Path, report: Any, root: Path,
                     category: str | None) -> frozenset[str]:
    """Old baseline entries stay and this scan's open findings join them (checkov#6858)."""
    from linter.merge import SarifError, fingerprints, merge, read_sarif, write_sarif
    from linter.report import sarif

    if report.exit_code == 2:
        raise fail(f"--update-baseline: not updating {path}: the scan had errors")
    current = sarif.build(report, root, category)
    documents = [(str(path), read_sarif(path))] if path.exists() else []
    try:
        merged = merge([*documents, ("this scan", current)])
        write_sarif(merged, path)
    except (SarifError, OSError) as error:
        raise fail(f"--update-baseline: {error}") from None
    return fingerprints(merged)


