"""The options the commands share: how they are declared (each one also settable as an
EPHI_LINT_<OPTION> environment variable) and how their values become what the pipeline
takes (rules, frameworks, a byte limit, Terraform variables, CloudFormation parameters).

A bad value is a usage error (exit 2) naming the option. Imports nothing heavy at import
time, typer included (`option` imports it for the modules that declare commands): what a
value needs (the rule loader, the Terraform parser) loads when it is used.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import math
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from linter.cli_output import fail

ENVIRONMENT_PREFIX = "EPHI_LINT_"
# Options whose values are NAME=VALUE: in their environment variable a comma starts a
# new item only when a NAME= follows it, so a value may hold commas (`tags=a,b` stays).
_ASSIGNMENT_OPTIONS = frozenset({"variables", "cfn_parameters"})
_ASSIGNMENT_START = re.compile(r",(?=\s*[A-Za-z_][A-Za-z0-9_.-]*=)")
_Command = TypeVar("_Command", bound=Callable[..., Any])

# --max-file-size bounds, in MiB: above 1 TiB the byte count no longer fits a read.
MAX_FILE_SIZE_MIB = 1024 * 1024


# --- declaring options --------------------------------------------------------------


def environment_variable(option_name: str) -> str:
    """`--severity-threshold` -> `EPHI_LINT_SEVERITY_THRESHOLD` (`--color/--no-color` ->
    `EPHI_LINT_COLOR`)."""
    return ENVIRONMENT_PREFIX + option_name.split("/")[0].lstrip("-").upper().replace("-", "_")


def option(*arguments: Any, **settings: Any) -> Any:
    """typer.Option that can also be set as EPHI_LINT_<OPTION> (listed in --help); the
    command line wins over the variable. Repeatable options take a comma-separated list
    from the variable (see environment_lists)."""
    import typer  # only the modules that declare commands call this, and they import it

    long_name = next(argument for argument in arguments
                     if isinstance(argument, str) and argument.startswith("--"))
    return typer.Option(*arguments, envvar=environment_variable(long_name), **settings)


def split_list(values: list[str] | None) -> list[str]:
    """`--regions a,b --regions c` and `--regions a --regions b --regions c` mean the same."""
    return [item.strip() for value in values or [] for item in value.split(",")
            if item.strip()]


def environment_lists(command: _Command) -> _Command:
    """A repeatable option read from its environment variable is a comma-separated list
    (click would split it at spaces, breaking a path or value that holds one). The
    command takes a `context: typer.Context` parameter, which tells where each value came
    from."""
    @functools.wraps(command)
    def run(*arguments: Any, **values: Any) -> Any:
        context = values["context"]
        for parameter in context.command.params:
            name = parameter.name or ""
            source = context.get_parameter_source(name)
            if not (parameter.multiple and name in values and isinstance(parameter.envvar, str)
                    and getattr(source, "name", "") == "ENVIRONMENT"):
                continue
            raw = os.environ.get(parameter.envvar, "")
            pattern = _ASSIGNMENT_START if name in _ASSIGNMENT_OPTIONS else ","
            items = [item.strip() for item in re.split(pattern, raw) if item.strip()]
            converted = values[name] or [""]
            kind = type(converted[0])  # str, Path or an Enum: what click made of the value
            values[name] = [kind(item) for item in items]
        return command(*arguments, **values)

    return run  # type: ignore[return-value]


# --- turning values into what the pipeline takes --------------------------------------


def set_debug(debug: bool) -> None:
    """--debug: internal errors print their traceback, as EPHI_LINT_DEBUG=1 does (the
    variable is the option's own, so both ways stay)."""
    if debug:
        from linter.discover import DEBUG_VARIABLE

        os.environ[DEBUG_VARIABLE] = "1"


def load_rules(rules_dirs: list[Path], include: list[str], exclude: list[str]) -> list[Any]:
    """The catalogue plus --rules directories, narrowed by --include-rule and
    --exclude-rule globs; a glob that matches no rule is a usage error (a typo would
    otherwise silently run everything, or nothing)."""
    from linter.engine import RuleError, catalogue_directory
    from linter.engine import load_rules as load_rule_files

    try:
        rules = load_rule_files([catalogue_directory("rules"), *rules_dirs])
    except RuleError as error:
        raise fail(str(error)) from None
    known = {rule.id for rule in rules}
    for pattern in [*include, *exclude]:
        if not any(fnmatch.fnmatchcase(rule_id, pattern.upper()) for rule_id in known):
            raise fail(f"no rule matches {pattern!r} (see `ephi-lint rules`)")
    if include:
        rules = [rule for rule in rules
                 if any(fnmatch.fnmatchcase(rule.id, pattern.upper()) for pattern in include)]
    return [rule for rule in rules
            if not any(fnmatch.fnmatchcase(rule.id, pattern.upper()) for pattern in exclude)]


def select_frameworks(selected: list[str], skipped: list[str]) -> frozenset[str] | None:
    """--framework / --skip-framework (repeatable or comma-separated); None: all."""
    from linter.discover import FRAMEWORKS

    chosen, left_out = split_list(selected), split_list(skipped)
    for name in [*chosen, *left_out]:
        if name.lower() not in FRAMEWORKS:
            raise fail(f"unknown framework {name!r} (known: {', '.join(FRAMEWORKS)})")
    if not chosen and not left_out:
        return None
    frameworks = frozenset(name.lower() for name in chosen or FRAMEWORKS) \
        - {name.lower() for name in left_out}
    if not frameworks:
        raise fail("--framework and --skip-framework leave no framework to scan")
    return frameworks


def file_size_limit(mebibytes: float) -> int:
    """--max-file-size in bytes; nan, inf, zero, negative or absurd values are usage
    errors (NaN compares false with everything, so it would pass a plain `< 0` test)."""
    if not (math.isfinite(mebibytes) and 0 < mebibytes <= MAX_FILE_SIZE_MIB):
        raise fail(f"--max-file-size {mebibytes}: expected a number of MiB greater than 0 "
                   f"and at most {MAX_FILE_SIZE_MIB}")
    return max(1, int(mebibytes * 1024 * 1024))


def terraform_variables(files: list[Path], assignments: list[str]) -> Any:
    """--var-file and --var, in that order of precedence, as the resolver's top layers."""
    if not files and not assignments:  # the parser is not needed (and not imported)
        from linter.scan_variables import CommandLineVariables as Given

        return Given([{}])
    from linter.discover import read_text
    from linter.parsers.terraform import TerraformSyntaxError, parse_variables_file
    from linter.resolve.variables import CommandLineVariables, command_line_layer

    layers = []
    for path in files:
        try:
            layers.append(parse_variables_file(read_text(path), path.name))
        except (ValueError, TerraformSyntaxError) as error:
            raise fail(f"--var-file {path}: {error}") from None
    for assignment in assignments:
        if "=" not in assignment:
            raise fail(f"--var {assignment!r}: expected NAME=VALUE")
    layers.append(command_line_layer(assignments))
    return CommandLineVariables(layers)


def cloudformation_parameters(files: list[Path], assignments: list[str]) -> dict[str, Any]:
    """--cfn-param-file (the `aws cloudformation` list, the CodePipeline template
    configuration or a plain object), then --cfn-param NAME=VALUE over it."""
    parameters: dict[str, Any] = {}
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise fail(f"--cfn-param-file {path}: {error}") from None
        if isinstance(data, dict) and isinstance(data.get("Parameters"), dict):
            data = data["Parameters"]  # the CodePipeline template-configuration form
        if isinstance(data, list):
            try:
                data = {item["ParameterKey"]: item["ParameterValue"] for item in data}
            except (TypeError, KeyError):
                raise fail(f"--cfn-param-file {path}: expected a list of "
                           "{ParameterKey, ParameterValue} objects") from None
        if not isinstance(data, dict):
            raise fail(f"--cfn-param-file {path}: expected a JSON list or object")
        parameters.update(data)
    for assignment in assignments:
        name, separator, value = assignment.partition("=")
        if not separator:
            raise fail(f"--cfn-param {assignment!r}: expected NAME=VALUE")
        parameters[name.strip()] = value
    return parameters
