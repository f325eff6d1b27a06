"""The `ephi-lint` command. Thin: parse options, run the pipeline, render, pick the exit code.

Exit codes: 0 nothing at or above the threshold, 1 findings, 2 any error (usage,
configuration, a file that could not be scanned, a scan that judged nothing, a report
that could not be written, an internal error). No option turns an error into a pass.

Commands: `scan` (linter.cli_scan), `aws` (linter.cli_aws), `report` and `evidence`
(linter.cli_evidence), and here the small ones. Every command module imports only typer
at import time, so `ephi-lint --help` and a file scan never load boto3 or checkov.
"""

from __future__ import annotations

import copy
import json
import sys
from enum import Enum
from pathlib import Path

import typer

from linter import __version__
from linter.catalogue import refuse_inside as refuse_catalogue_inside
from linter.cli_aws import AWS_EPILOG, aws
from linter.cli_evidence import register as register_evidence
from linter.cli_options import load_rules, split_list
from linter.cli_output import fail, write
from linter.cli_params import install as install_plain_conversion
from linter.cli_run import ScanRun, execute
from linter.cli_scan import SCAN_EPILOG, scan
from linter.command_memo import begin as begin_command
from linter.launch import guarded
from linter.launch import run as launch_run

# typer converts values through pydantic, ~0.2 s a run; ours are plain (linter.cli_params).
install_plain_conversion()

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


class ListFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


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


# Commands are listed in --help in the order they are registered here.
app.command(epilog=SCAN_EPILOG)(scan)


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

    run = ScanRun(paths=paths, rules_dirs=rules_dirs, include_rules=split_list(include_rules),
                  exclude_rules=split_list(exclude_rules), config_path=config_path,
                  severity_threshold="low", variables=variables, variable_files=variable_files)
    refuse_catalogue_inside([Path(path) for path in paths if path != "-"])
    scanned = execute(run)
    report, root = scanned.report, scanned.root
    if report.exit_code == 2:
        from linter.report.text import render

        typer.echo(render(report), err=True)
        raise fail(f"not writing {output}: the scan had errors (a baseline of a partial "
                   "scan would hide findings)")
    if str(output) == "-":
        write(json.dumps(sarif.build(report, root), indent=2) + "\n", None)
    else:
        try:
            write_sarif(sarif.build(report, root), output)
        except OSError as error:
            raise fail(f"cannot write {output}: {error.strerror}") from None
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
        raise fail(str(error)) from None
    write(json.dumps(merged, indent=2) + "\n", None if str(output) == "-" else output)
    results = len(merged["runs"][0]["results"])
    typer.echo(f"merged {len(files)} files: {results} results", err=True)
    if not merged["runs"][0]["invocations"][0]["executionSuccessful"]:
        # A shard that failed (a file not scanned, nothing judged) fails the whole.
        raise fail("a merged run did not complete (executionSuccessful is false): see its "
                   "toolExecutionNotifications")


@app.command()
def init(
    directory: Path = typer.Argument(Path("."), help="Where to write .ephi-lint.yaml."),
) -> None:
    """Write a commented starter .ephi-lint.yaml (never overwrites one)."""
    from linter.config import STARTER_CONFIG

    target = directory / ".ephi-lint.yaml"
    if target.exists():
        raise fail(f"{target} already exists: not overwriting it")
    try:
        target.write_text(STARTER_CONFIG, encoding="utf-8")
    except OSError as error:
        raise fail(f"cannot write {target}: {error.strerror}") from None
    typer.echo(f"wrote {target}")


app.command("aws", epilog=AWS_EPILOG)(aws)
register_evidence(app)  # `report` and the `evidence` group


@app.command("rules")
def list_rules(
    output_format: ListFormat = typer.Option(ListFormat.text, "--format", "-f"),
    rules_dirs: list[Path] = typer.Option([], "--rules", help="Extra rule directory."),
) -> None:
    """List the rule catalogue (text, JSON, or SARIF rule descriptors).

    `--format sarif` gives every rule's full SARIF descriptor: a scan's SARIF describes
    only the rules that have results.
    """
    rules = load_rules(rules_dirs, [], [])
    if output_format is ListFormat.sarif:
        from linter.report.sarif import catalogue

        write(json.dumps(catalogue(rules), indent=2) + "\n", None)
        return
    if output_format is ListFormat.json:
        write(json.dumps([
            {"id": rule.id, "title": rule.title, "severity": rule.severity,
             "category": rule.category, "hipaa": list(rule.hipaa), "models": list(rule.models)}
            for rule in rules], indent=2) + "\n", None)
        return
    write("".join(f"{rule.id}  {rule.severity:<8}  {rule.category:<18}  {rule.title}  "
                  f"[{', '.join(rule.hipaa)}]\n" for rule in rules), None)


@app.command()
def explain(rule_id: str = typer.Argument(
        ..., help="A rule id (ENC-001) or a checkov check id (CKV_AWS_3).")) -> None:
    """Explain a rule: why it matters, how to fix it, a failing and a passing example."""
    from linter.explain import explain as explain_identifier

    text = explain_identifier(rule_id, load_rules([], [], []))
    if text is None:
        raise fail(f"no rule {rule_id!r} (see `ephi-lint rules`)")
    write(text + "\n", None)


def command_app(arguments: list[str]) -> typer.Typer:
    """The app to run `arguments` with: when the first names a command (`scan`), the app
    with only that command registered. typer builds every command's parameters from its
    signature on each run (~20 ms for all of them, most of the work before a one-file
    scan starts); the command itself, its help and its errors are the same either way
    (tests/test_startup.py compares them). Anything else (a group, an option first, a
    typo that deserves suggestions) runs the whole app."""
    if not arguments or app.registered_callback is None:
        return app
    chosen = [info for info in app.registered_commands
              if (info.name or info.callback.__name__.lower().replace("_", "-")) == arguments[0]]
    if len(chosen) != 1:
        return app
    single = copy.copy(app)
    single.registered_commands = chosen
    single.registered_groups = []
    return single


def main() -> None:
    """The command `sys.argv` names, under linter.launch's guard (an unexpected exception
    is one line on stderr and exit 2). A scan's parsed options are remembered for the
    next run of the same command line (linter.command_memo)."""
    arguments = sys.argv[1:]
    begin_command(arguments)
    guarded(lambda: command_app(arguments)(prog_name="ephi-lint"))


def run() -> None:
    """The console script (linter.launch.run), kept under its old name."""
    launch_run(main)


if __name__ == "__main__":
    run()
