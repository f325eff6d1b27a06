"""The `ephi-lint` command. Thin: parse options, run the pipeline, render, pick the exit code.

Exit codes: 0 nothing at or above the threshold, 1 findings, 2 any error (usage,
configuration, a file that could not be scanned, a scan that judged nothing, a report
that could not be written, an internal error). No option turns an error into a pass.
"""

from __future__ import annotations

import fnmatch
import json
import math
import os
import sys
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from linter import __version__
from linter.cli_aws import environment_lists, option, split_list

# Click rewraps help paragraphs to the terminal's width; a paragraph after a line holding
# only \b is printed as written. Every line below fits 80 columns whole (with click's
# indentation), so no example is cut (tests/test_ci_conventions.py holds them to it).
MAIN_EPILOG = """\b
Examples:
  ephi-lint scan .
  ephi-lint scan . -f sarif -o results.sarif
  ephi-lint rules --format json
  ephi-lint explain TLS-001
  ephi-lint --install-completion

\b
Exit codes: 0 clean, 1 findings, 2 any error.
"""

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

app = typer.Typer(
    name="ephi-lint",
    help="Keep ePHI encrypted and off plaintext channels: HIPAA-cited checks for Terraform, "
         "CloudFormation and Kubernetes, with SARIF output.",
    epilog=MAIN_EPILOG,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain click help: it wraps at word boundaries and shows every option's environment
    # variable whole, where rich's table cuts them at 80 columns.
    rich_markup_mode=None,
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    markdown = "markdown"
    gitlab_sast = "gitlab-sast"


class ListFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


class Severity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class InputFormat(str, Enum):
    terraform = "terraform"
    cloudformation = "cloudformation"
    kubernetes = "kubernetes"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ephi-lint {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """ephi-lint."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"ephi-lint: error: {message}", err=True)
    return typer.Exit(2)


def set_debug(debug: bool) -> None:
    """--debug: internal errors print their traceback, as EPHI_LINT_DEBUG=1 does (the
    variable is the option's own, so both ways stay)."""
    if debug:
        from linter.discover import DEBUG_VARIABLE

        os.environ[DEBUG_VARIABLE] = "1"


def _frameworks(selected: list[str], skipped: list[str]) -> frozenset[str] | None:
    """--framework / --skip-framework (repeatable or comma-separated); None: all."""
    from linter.parsing import FRAMEWORKS

    chosen, left_out = split_list(selected), split_list(skipped)
    for name in [*chosen, *left_out]:
        if name.lower() not in FRAMEWORKS:
            raise _fail(f"unknown framework {name!r} (known: {', '.join(FRAMEWORKS)})")
    if not chosen and not left_out:
        return None
    frameworks = frozenset(name.lower() for name in chosen or FRAMEWORKS) \
        - {name.lower() for name in left_out}
    if not frameworks:
        raise _fail("--framework and --skip-framework leave no framework to scan")
    return frameworks


# --max-file-size bounds, in MiB: above 1 TiB the byte count no longer fits a read.
MAX_FILE_SIZE_MIB = 1024 * 1024


def _file_size_limit(mebibytes: float) -> int:
    """--max-file-size in bytes; nan, inf, zero, negative or absurd values are usage
    errors (NaN compares false with everything, so it would pass a plain `< 0` test)."""
    if not (math.isfinite(mebibytes) and 0 < mebibytes <= MAX_FILE_SIZE_MIB):
        raise _fail(f"--max-file-size {mebibytes}: expected a number of MiB greater than 0 "
                    f"and at most {MAX_FILE_SIZE_MIB}")
    return max(1, int(mebibytes * 1024 * 1024))


def _load_rules(rules_dirs: list[Path], include: list[str], exclude: list[str]) -> list:
    from linter.engine import RuleError, catalogue_directory, load_rules

    try:
        rules = load_rules([catalogue_directory("rules"), *rules_dirs])
    except RuleError as error:
        raise _fail(str(error)) from None
    known = {rule.id for rule in rules}
    for pattern in [*include, *exclude]:
        if not any(fnmatch.fnmatchcase(rule_id, pattern.upper()) for rule_id in known):
            raise _fail(f"no rule matches {pattern!r} (see `ephi-lint rules`)")
    if include:
        rules = [rule for rule in rules
                 if any(fnmatch.fnmatchcase(rule.id, pattern.upper()) for pattern in include)]
    return [rule for rule in rules
            if not any(fnmatch.fnmatchcase(rule.id, pattern.upper()) for pattern in exclude)]


@dataclass
class _Run:
    """The options every scanning command shares, resolved."""

    paths: list[str]
    rules_dirs: list[Path]
    include_rules: list[str]
    exclude_rules: list[str]
    config_path: Path | None = None
    no_config: bool = False
    severity_threshold: str | None = None
    fail_on_unknown: bool = False
    input_format: str | None = None
    max_file_size: float = 10.0
    variables: list[str] = field(default_factory=list)
    variable_files: list[Path] = field(default_factory=list)
    cfn_parameters: list[str] = field(default_factory=list)
    cfn_parameter_files: list[Path] = field(default_factory=list)
    changed_files: bool = False
    shard: str | None = None
    baseline: frozenset[str] = frozenset()
    soft_fail: bool | None = None  # None: the config's soft_fail
    frameworks: frozenset[str] | None = None
    skip_paths: tuple[str, ...] = ()
    gitignore: bool = True


@dataclass
class _Scanned:
    report: Any  # linter.report.ScanReport
    root: Path
    config: Any  # linter.config.Config


def _execute(run: _Run) -> _Scanned:
    """Configuration, rules, files, scan, exceptions: the ScanReport, the scan root and
    the configuration that applied."""
    from linter.config import (
        Config,
        ConfigError,
        Shard,
        find_config,
        load_config,
        module_files,
        select_files,
    )
    from linter.discover import PathFilter, decode
    from linter.pipeline import ScanRequest
    from linter.pipeline import scan as run_scan
    from linter.report import ScanReport
    from linter.suppress import Policy

    file_paths = [Path(path) for path in run.paths if path != "-"]
    for path in file_paths:
        if not path.exists() and not path.is_symlink():
            raise _fail(f"{path}: no such file or directory")
    config = Config()
    config_file = run.config_path or (None if run.no_config else find_config(file_paths))
    if config_file is not None:
        try:
            config = load_config(config_file)
        except ConfigError as error:
            raise _fail(str(error)) from None
    rules = _load_rules(run.rules_dirs, run.include_rules or list(config.enable),
                        [*run.exclude_rules, *config.disable])
    try:
        shard = Shard.parse(run.shard) if run.shard else None
    except ValueError as error:
        raise _fail(str(error)) from None
    stdin_text = None
    if "-" in run.paths:
        if run.input_format is None:
            raise _fail("reading `-` needs --input-format terraform|cloudformation|kubernetes")
        try:
            stdin_text = decode(sys.stdin.buffer.read())
        except ValueError as error:
            raise _fail(f"standard input: {error}") from None
    root = scan_root(file_paths)
    report_paths = None
    if run.changed_files:
        from linter.discover import display_path

        report_paths = frozenset(display_path(path, root) for path in file_paths)
        file_paths = module_files(file_paths)
    policy = Policy(config, root, [rule.id for rule in rules],
                    report_unused_waivers=not (run.changed_files or shard),
                    select=lambda files: select_files(files, config, root, shard))
    request = ScanRequest(paths=file_paths, root=root, rules=rules,
                          max_file_bytes=_file_size_limit(run.max_file_size),
                          stdin_text=stdin_text, stdin_format=run.input_format,
                          command_line_variables=_terraform_variables(run.variable_files,
                                                                      run.variables),
                          environment=dict(os.environ),
                          cloudformation_parameters=_cloudformation_parameters(
                              run.cfn_parameter_files, run.cfn_parameters),
                          changed_files=run.changed_files, sharded=shard is not None,
                          path_filter=PathFilter(root, run.skip_paths, run.gitignore),
                          frameworks=run.frameworks)
    result = run_scan(request, policy)
    report = ScanReport(result, run.severity_threshold or config.severity_threshold or "low",
                        run.fail_on_unknown, notices=policy.notices, baseline=run.baseline,
                        report_paths=report_paths, parse_errors=config.parse_errors,
                        soft_fail=config.soft_fail if run.soft_fail is None else run.soft_fail)
    return _Scanned(report, root, config)


def _read_baseline(path: Path) -> frozenset[str]:
    from linter.merge import SarifError, fingerprints, read_sarif

    try:
        return fingerprints(read_sarif(path))
    except SarifError as error:
        raise _fail(f"--baseline {error}") from None


@app.command(epilog=SCAN_EPILOG)
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
    from linter.provenance import utc_now
    from linter.report.outputs import RenderOptions, parse_targets, render, use_colour

    set_debug(debug)
    started = utc_now()
    try:
        targets = parse_targets(output_format.value, outputs)
    except ValueError as error:
        raise _fail(str(error)) from None
    if update_baseline and baseline is None:
        raise _fail("--update-baseline needs --baseline FILE")
    if checkov_results is not None and with_checkov:
        raise _fail("--checkov-results and --with-checkov: give one of them")
    known = _read_baseline(baseline) if baseline is not None and baseline.exists() \
        else frozenset()
    if baseline is not None and not baseline.exists() and not update_baseline:
        raise _fail(f"--baseline {baseline}: no such file")
    run = _Run(paths=paths, rules_dirs=rules_dirs, include_rules=split_list(include_rules),
               exclude_rules=split_list(exclude_rules), config_path=config_path,
               no_config=no_config,
               severity_threshold=severity_threshold.value if severity_threshold else None,
               fail_on_unknown=fail_on_unknown,
               input_format=input_format.value if input_format else None,
               max_file_size=max_file_size, variables=variables, variable_files=variable_files,
               cfn_parameters=cfn_parameters, cfn_parameter_files=cfn_parameter_files,
               changed_files=changed_files, shard=shard, baseline=known, soft_fail=soft_fail,
               frameworks=_frameworks(frameworks, skip_frameworks),
               skip_paths=tuple(skip_paths), gitignore=gitignore)
    scanned = _execute(run)
    report, root = scanned.report, scanned.root
    report.include_passed = include_passed
    report.roots = tuple(_display_roots(paths, root))
    if checkov_results is not None or with_checkov:
        report.checkov = _checkov(report, paths, checkov_results)
    if update_baseline and baseline is not None:  # a baseline carries no provenance
        report.baseline = _update_baseline(baseline, report, root, sarif_category)
    report.provenance = _provenance(started, run, report, root)
    options = RenderOptions(
        root=root, category=sarif_category, colour=use_colour(color, sys.stdout), quiet=quiet,
        omit_suppressed=scanned.config.sarif_omit_suppressed if sarif_omit_suppressed is None
        else sarif_omit_suppressed)
    for target in targets:
        _write(render(target, report, options), target.path)
    if not quiet and not any(target.format == "text" and target.path is None
                             for target in targets):
        from linter.report.text import summary

        typer.echo(summary(report), err=True)
    raise typer.Exit(report.exit_code)


def _display_roots(paths: list[str], root: Path) -> list[str]:
    from linter.discover import display_path

    return ["stdin" if path == "-" else display_path(Path(path), root) for path in paths]


def _provenance(started: Any, run: _Run, report: Any, root: Path) -> dict[str, Any]:
    """When, by which rules, over which inputs (linter.provenance): always collected, so
    every JSON and SARIF output can be tied to a commit and a rule catalogue."""
    from linter.engine import catalogue_directory
    from linter.provenance import collect, utc_now

    # pre-commit names each changed file: one root (one `git status`) stands for them.
    roots = [root] if run.changed_files else [Path(path) for path in run.paths if path != "-"]
    return collect(started=started, finished=utc_now(), roots=roots,
                   inputs=report.result.inputs,
                   rule_directories=[catalogue_directory("rules"), *run.rules_dirs],
                   argv=["ephi-lint", *sys.argv[1:]], display_root=root)


def _checkov(report: Any, paths: list[str], results_file: Path | None) -> list[dict[str, Any]]:
    """checkov's results (read from --checkov-results, or from running it with
    --with-checkov), less those an ephi-lint rule already judged on the same resource."""
    from linter.checkov_results import (
        CheckovUnavailable,
        fold,
        read_results,
        results_json,
        run_checkov,
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
        raise _fail(f"--with-checkov: {error}") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise _fail(f"--checkov-results {results_file}: cannot read checkov's JSON: "
                    f"{error}") from None
    rules = report.result.rules
    try:
        results = [result for document in documents
                   for result in read_results(document, rules)]
    except (TypeError, ValueError, KeyError) as error:
        raise _fail(f"checkov's JSON results are malformed: {error}") from None
    inventory = inventory_json(report.result.outcomes, report.roots)
    return results_json(fold(results, inventory).kept)


def _update_baseline(path: Path, report: Any, root: Path,
                     category: str | None) -> frozenset[str]:
    """Old baseline entries stay and this scan's open findings join them (checkov#6858)."""
    from linter.merge import SarifError, fingerprints, merge, read_sarif, write_sarif
    from linter.report import sarif

    if report.exit_code == 2:
        raise _fail(f"--update-baseline: not updating {path}: the scan had errors")
    current = sarif.build(report, root, category)
    documents = [(str(path), read_sarif(path))] if path.exists() else []
    try:
        merged = merge([*documents, ("this scan", current)])
        write_sarif(merged, path)
    except (SarifError, OSError) as error:
        raise _fail(f"--update-baseline: {error}") from None
    return fingerprints(merged)


baseline_app = typer.Typer(help="Accepted findings: scans with --baseline report only new ones.",
                           no_args_is_help=True)
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("create")
def baseline_create(
    paths: list[str] = typer.Argument(..., help="Files or directories to scan."),
    output: Path = typer.Option(..., "--output", "-o",
                                help="The baseline SARIF file to write (- for standard output)."),
    rules_dirs: list[Path] = typer.Option([], "--rules", help="Extra rule directory."),
    include_rules: list[str] = typer.Option([], "--include-rule"),
    exclude_rules: list[str] = typer.Option([], "--exclude-rule"),
    config_path: Path | None = typer.Option(None, "--config"),
    variables: list[str] = typer.Option([], "--var", metavar="NAME=VALUE"),
    variable_files: list[Path] = typer.Option([], "--var-file"),
) -> None:
    """Write a baseline: a SARIF file of every current finding (any severity)."""
    from linter.merge import write_sarif
    from linter.report import sarif

    run = _Run(paths=paths, rules_dirs=rules_dirs, include_rules=split_list(include_rules),
               exclude_rules=split_list(exclude_rules), config_path=config_path,
               severity_threshold="low", variables=variables, variable_files=variable_files)
    scanned = _execute(run)
    report, root = scanned.report, scanned.root
    if report.exit_code == 2:
        from linter.report.text import render

        typer.echo(render(report), err=True)
        raise _fail(f"not writing {output}: the scan had errors (a baseline of a partial "
                    "scan would hide findings)")
    if str(output) == "-":
        _write(json.dumps(sarif.build(report, root), indent=2) + "\n", None)
    else:
        try:
            write_sarif(sarif.build(report, root), output)
        except OSError as error:
            raise _fail(f"cannot write {output}: {error.strerror}") from None
    typer.echo(f"{output}: baseline of {len(report.findings)} findings", err=True)


@app.command()
def merge(
    files: list[Path] = typer.Argument(..., help="SARIF files from sharded scans."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the merged SARIF here (default, or -: standard "
                                     "output)."),
) -> None:
    """Merge SARIF files (from --shard K/N scans) into one run for one upload."""
    from linter.merge import SarifError, read_sarif
    from linter.merge import merge as merge_documents

    try:
        merged = merge_documents([(str(path), read_sarif(path)) for path in files])
    except SarifError as error:
        raise _fail(str(error)) from None
    _write(json.dumps(merged, indent=2) + "\n", None if str(output) == "-" else output)
    results = len(merged["runs"][0]["results"])
    typer.echo(f"merged {len(files)} files: {results} results", err=True)
    if not merged["runs"][0]["invocations"][0]["executionSuccessful"]:
        # A shard that failed (a file not scanned, nothing judged) fails the whole.
        raise _fail("a merged run did not complete (executionSuccessful is false): see its "
                    "toolExecutionNotifications")


@app.command()
def init(
    directory: Path = typer.Argument(Path("."), help="Where to write .ephi-lint.yaml."),
) -> None:
    """Write a commented starter .ephi-lint.yaml (never overwrites one)."""
    from linter.config import STARTER_CONFIG

    target = directory / ".ephi-lint.yaml"
    if target.exists():
        raise _fail(f"{target} already exists: not overwriting it")
    try:
        target.write_text(STARTER_CONFIG, encoding="utf-8")
    except OSError as error:
        raise _fail(f"cannot write {target}: {error.strerror}") from None
    typer.echo(f"wrote {target}")


# --- `aws` (live scans) --------------------------------------------------------------
# linter.cli_aws imports only typer at import time: boto3 loads when the command runs.
from linter.cli_aws import AWS_EPILOG, aws  # noqa: E402

app.command("aws", epilog=AWS_EPILOG)(aws)
# `report` and `evidence` (the compliance officer's): linter.cli_evidence, as light to import.
from linter.cli_evidence import register as register_evidence  # noqa: E402

register_evidence(app)
# --------------------------------------------------------------------------------------


def _terraform_variables(files: list[Path], assignments: list[str]) -> Any:
    from linter.discover import read_text
    from linter.parsers.terraform import TerraformSyntaxError, parse_variables_file
    from linter.resolve.variables import CommandLineVariables, command_line_layer

    layers = []
    for path in files:
        try:
            layers.append(parse_variables_file(read_text(path), path.name))
        except (ValueError, TerraformSyntaxError) as error:
            raise _fail(f"--var-file {path}: {error}") from None
    for assignment in assignments:
        if "=" not in assignment:
            raise _fail(f"--var {assignment!r}: expected NAME=VALUE")
    layers.append(command_line_layer(assignments))
    return CommandLineVariables(layers)


def _cloudformation_parameters(files: list[Path], assignments: list[str]) -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise _fail(f"--cfn-param-file {path}: {error}") from None
        if isinstance(data, dict) and isinstance(data.get("Parameters"), dict):
            data = data["Parameters"]  # the CodePipeline template-configuration form
        if isinstance(data, list):
            try:
                data = {item["ParameterKey"]: item["ParameterValue"] for item in data}
            except (TypeError, KeyError):
                raise _fail(f"--cfn-param-file {path}: expected a list of "
                            "{ParameterKey, ParameterValue} objects") from None
        if not isinstance(data, dict):
            raise _fail(f"--cfn-param-file {path}: expected a JSON list or object")
        parameters.update(data)
    for assignment in assignments:
        name, separator, value = assignment.partition("=")
        if not separator:
            raise _fail(f"--cfn-param {assignment!r}: expected NAME=VALUE")
        parameters[name.strip()] = value
    return parameters


def scan_root(paths: list[Path]) -> Path:
    """Paths in findings are relative to the working directory (the repository root in
    CI, as code scanning expects), or to the scanned paths' common folder outside it."""
    cwd = Path.cwd()
    absolute = [path.absolute() for path in paths]
    if all(path == cwd or cwd in path.parents for path in absolute):
        return cwd
    folders = [path if path.is_dir() else path.parent for path in absolute]
    return Path(os.path.commonpath([str(folder) for folder in folders]))


def _write(rendered: str, output: Path | None) -> None:
    if output is None:
        try:
            sys.stdout.write(rendered)
            sys.stdout.flush()  # a full device or a closed pipe fails here, not at exit
        except OSError as error:
            _discard_stdout()
            raise _fail("cannot write the report to standard output: "
                        f"{error.strerror or type(error).__name__}") from None
        return
    try:
        output.write_text(rendered, encoding="utf-8")
    except OSError as error:
        raise _fail(f"cannot write {output}: {error.strerror}") from None


@app.command("rules")
def list_rules(
    output_format: ListFormat = typer.Option(ListFormat.text, "--format", "-f"),
    rules_dirs: list[Path] = typer.Option([], "--rules", help="Extra rule directory."),
) -> None:
    """List the rule catalogue (text, JSON, or SARIF rule descriptors).

    `--format sarif` gives every rule's full SARIF descriptor: a scan's SARIF describes
    only the rules that have results.
    """
    rules = _load_rules(rules_dirs, [], [])
    if output_format is ListFormat.sarif:
        from linter.report.sarif import catalogue

        _write(json.dumps(catalogue(rules), indent=2) + "\n", None)
        return
    if output_format is ListFormat.json:
        _write(json.dumps([
            {"id": rule.id, "title": rule.title, "severity": rule.severity,
             "category": rule.category, "hipaa": list(rule.hipaa), "models": list(rule.models)}
            for rule in rules], indent=2) + "\n", None)
        return
    _write("".join(f"{rule.id}  {rule.severity:<8}  {rule.category:<18}  {rule.title}  "
                   f"[{', '.join(rule.hipaa)}]\n" for rule in rules), None)


@app.command()
def explain(rule_id: str = typer.Argument(..., help="A rule id, e.g. ENC-001.")) -> None:
    """Explain a rule: why it matters, how to fix it, a failing and a passing example."""
    from linter.explain import explain_rule

    rules = {rule.id: rule for rule in _load_rules([], [], [])}
    rule = rules.get(rule_id.upper())
    if rule is None:
        raise _fail(f"no rule {rule_id!r} (see `ephi-lint rules`)")
    _write(explain_rule(rule) + "\n", None)


def _discard_stdout() -> None:
    """After a failed write, what is left in stdout's buffer goes nowhere: Python's
    flush at exit would fail again and print its own traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a file (captured by a test runner)


def main() -> None:
    """The command, with a last guard: an unexpected exception anywhere is one line on
    stderr and exit 2 (an error), never a traceback and never exit 1 (findings).
    EPHI_LINT_DEBUG=1 prints the traceback too."""
    try:
        app(prog_name="ephi-lint")
    except SystemExit:
        raise
    except Exception as error:
        from linter.discover import DEBUG_VARIABLE, crash_summary

        if os.environ.get(DEBUG_VARIABLE):
            import traceback

            traceback.print_exc()
        if isinstance(error, OSError) and error.strerror:
            message = f"ephi-lint: error: {error.strerror}"
        else:
            message = f"ephi-lint: internal error: {crash_summary(error)}"
        try:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
        except OSError:
            pass
        sys.exit(2)


if __name__ == "__main__":
    main()
