"""The `ephi-lint` command. Thin: parse options, run the pipeline, render, pick the exit code.

Exit codes: 0 nothing at or above the threshold, 1 findings, 2 any error (usage,
configuration, a file that could not be scanned, an internal error). No option turns
an error into a pass.
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from linter import __version__

app = typer.Typer(
    name="ephi-lint",
    help="Keep ePHI encrypted and off plaintext channels: HIPAA-cited checks for Terraform, "
         "CloudFormation and Kubernetes, with SARIF output.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


class ListFormat(str, Enum):
    text = "text"
    json = "json"


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


@app.command()
def scan(
    paths: list[str] = typer.Argument(..., help="Files or directories; `-` reads one document "
                                                "from standard input."),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f"),
    output: Path | None = typer.Option(None, "--output", "-o",
                                          help="Write the report to FILE instead of stdout."),
    severity_threshold: Severity = typer.Option(
        Severity.low, "--severity-threshold",
        help="Report and fail only on findings of this severity or higher."),
    rules_dirs: list[Path] = typer.Option([], "--rules", help="Extra rule directory (repeatable)."),
    include_rules: list[str] = typer.Option([], "--include-rule",
                                            help="Run only these rule ids (glob, repeatable)."),
    exclude_rules: list[str] = typer.Option([], "--exclude-rule",
                                            help="Skip these rule ids (glob, repeatable)."),
    input_format: InputFormat | None = typer.Option(
        None, "--input-format", help="Format of standard input (with `-`)."),
    fail_on_unknown: bool = typer.Option(
        False, "--fail-on-unknown", help="Exit 1 when a setting cannot be decided statically."),
    max_file_size: float = typer.Option(10.0, "--max-file-size",
                                        help="Skip (and report) files larger than this, in MiB."),
    sarif_category: str | None = typer.Option(
        None, "--sarif-category", help="SARIF runAutomationDetails.id, for several uploads."),
    color: bool | None = typer.Option(None, "--color/--no-color",
                                         help="Colour text output (default: on a terminal)."),
    variables: list[str] = typer.Option(
        [], "--var", metavar="NAME=VALUE",
        help="Terraform variable value (repeatable); overrides tfvars and TF_VAR_."),
    variable_files: list[Path] = typer.Option(
        [], "--var-file", help="Terraform variables file (repeatable); applied before --var."),
    cfn_parameters: list[str] = typer.Option(
        [], "--cfn-param", metavar="NAME=VALUE",
        help="CloudFormation parameter value (repeatable)."),
    cfn_parameter_files: list[Path] = typer.Option(
        [], "--cfn-param-file",
        help="CloudFormation parameters as JSON, in the `aws cloudformation` form "
             '([{"ParameterKey": ..., "ParameterValue": ...}]) or a plain object.'),
) -> None:
    """Scan infrastructure files for unencrypted ePHI and plaintext channels."""
    from linter.pipeline import ScanRequest, read_stdin_bytes
    from linter.pipeline import scan as run_scan
    from linter.report import ScanReport

    rules = _load_rules(rules_dirs, include_rules, exclude_rules)
    stdin_text = None
    file_paths = [Path(path) for path in paths if path != "-"]
    if "-" in paths:
        if input_format is None:
            raise _fail("reading `-` needs --input-format terraform|cloudformation|kubernetes")
        try:
            stdin_text = read_stdin_bytes(sys.stdin.buffer.read())
        except ValueError as error:
            raise _fail(f"standard input: {error}") from None
    for path in file_paths:
        if not path.exists() and not path.is_symlink():
            raise _fail(f"{path}: no such file or directory")
    root = scan_root(file_paths)
    request = ScanRequest(paths=file_paths, root=root, rules=rules,
                          max_file_bytes=int(max_file_size * 1024 * 1024),
                          stdin_text=stdin_text,
                          stdin_format=input_format.value if input_format else None,
                          command_line_variables=_terraform_variables(variable_files, variables),
                          environment=dict(os.environ),
                          cloudformation_parameters=_cloudformation_parameters(
                              cfn_parameter_files, cfn_parameters))
    result = run_scan(request)
    report = ScanReport(result, severity_threshold.value, fail_on_unknown)
    if output_format is OutputFormat.sarif:
        from linter.report import sarif

        rendered = sarif.render(report, root, sarif_category)
    elif output_format is OutputFormat.json:
        from linter.report import json_format

        rendered = json_format.render(report)
    else:
        from linter.report import text

        use_colour = color if color is not None else (output is None and sys.stdout.isatty())
        rendered = text.render(report, colour=use_colour)
    _write(rendered, output)
    if output is not None or output_format is not OutputFormat.text:
        from linter.report.text import summary

        typer.echo(summary(report), err=True)
    raise typer.Exit(report.exit_code)


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
        sys.stdout.write(rendered)
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
    """List the rule catalogue."""
    rules = _load_rules(rules_dirs, [], [])
    if output_format is ListFormat.json:
        typer.echo(json.dumps([
            {"id": rule.id, "title": rule.title, "severity": rule.severity,
             "category": rule.category, "hipaa": list(rule.hipaa), "models": list(rule.models)}
            for rule in rules], indent=2))
        return
    for rule in rules:
        typer.echo(f"{rule.id}  {rule.severity:<8}  {rule.category:<18}  {rule.title}  "
                   f"[{', '.join(rule.hipaa)}]")


@app.command()
def explain(rule_id: str = typer.Argument(..., help="A rule id, e.g. ENC-001.")) -> None:
    """Explain a rule: why it matters, how to fix it, a failing and a passing example."""
    from linter.explain import explain_rule

    rules = {rule.id: rule for rule in _load_rules([], [], [])}
    rule = rules.get(rule_id.upper())
    if rule is None:
        raise _fail(f"no rule {rule_id!r} (see `ephi-lint rules`)")
    typer.echo(explain_rule(rule))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
