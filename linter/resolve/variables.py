"""Terraform input variable values, in Terraform's own order of precedence.

Later sources override earlier ones: the variable's default, `TF_VAR_name` environment
variables, `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)` in
lexical order, then `--var` and `--var-file` in the order given on the command line.
Each scanned directory is treated as a root module, so command-line values apply to
every directory that declares the variable.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath

from linter.parsers import hcl_expressions as hx
from linter.parsers.terraform import HclAttribute, parse_expression
from linter.scan_variables import CommandLineVariables as CommandLineVariables  # re-exported

_ENVIRONMENT_PREFIX = "TF_VAR_"


def is_auto_loaded(name: str) -> bool:
    """Terraform reads these files by itself; any other var file needs --var-file."""
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith(
        (".auto.tfvars", ".auto.tfvars.json"))


def value_expression(text: str) -> hx.Expr:
    """A -var or TF_VAR_ value: HCL syntax when it parses as a value, else a plain string.

    Terraform reads primitive-typed values as raw strings and complex ones as HCL; a
    string that happens to parse (a number, true) is converted back by the rules anyway.
    """
    stripped = text.strip()
    if stripped[:1] in ("[", "{", '"') or stripped in ("true", "false", "null"):
        expression = parse_expression(stripped, 0)
        if not isinstance(expression, hx.Opaque):
            return expression
    try:
        return hx.Literal(0, int(stripped))
    except ValueError:
        pass
    try:
        return hx.Literal(0, float(stripped))
    except ValueError:
        return hx.Literal(0, text)


def command_line_layer(assignments: list[str]) -> dict[str, HclAttribute]:
    layer = {}
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        layer[name.strip()] = HclAttribute(name.strip(), value_expression(value), 0)
    return layer


def environment_layer(environment: Mapping[str, str]) -> dict[str, HclAttribute]:
    return {key[len(_ENVIRONMENT_PREFIX):]: HclAttribute(key[len(_ENVIRONMENT_PREFIX):],
                                                          value_expression(value), 0)
            for key, value in environment.items() if key.startswith(_ENVIRONMENT_PREFIX)}


def module_values(auto_files: dict[str, dict[str, HclAttribute]],
                  environment: dict[str, HclAttribute],
                  command_line: CommandLineVariables) -> dict[str, HclAttribute]:
    """Merge the layers for one root module; `auto_files` maps file path to its values."""
    merged: dict[str, HclAttribute] = dict(environment)

    def order(path: str) -> tuple[int, str]:
        name = PurePosixPath(path).name
        rank = {"terraform.tfvars": 0, "terraform.tfvars.json": 1}.get(name, 2)
        return rank, name

    for path in sorted(auto_files, key=order):
        merged.update(auto_files[path])
    for layer in command_line.layers:
        merged.update(layer)
    return merged
