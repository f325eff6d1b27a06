"""Terraform plan JSON (`terraform show -json plan.out`), recognised by its content.

A plan is one JSON object with `format_version`, `terraform_version` and
`planned_values` and/or `resource_changes`. It is loaded with the same line-marking
loader as other JSON (linter.parsers.yaml_source), so a finding that cannot be mapped
back to the .tf source still points at the resource's line in the plan file.
See https://developer.hashicorp.com/terraform/internals/json-format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linter.values import ConfigNode

# The format promises a new major version only for incompatible changes, and asks
# consumers to reject majors they do not know (0.x up to Terraform 1.0, 1.x since).
SUPPORTED_MAJOR_VERSIONS = ("0", "1")
# Sections whose presence makes a JSON object a plan rather than a state file.
PLAN_SECTIONS = ("planned_values", "resource_changes")


class PlanError(ValueError):
    """A plan file that cannot be used; the message is the reason shown to the user."""


@dataclass
class TerraformPlan:
    """A Terraform plan (JSON): the whole document, every key with its line."""

    path: str  # display path of the plan file ("stdin" for standard input)
    document: ConfigNode  # the whole plan, every key with its line
    terraform_version: str


def looks_like_plan(text: str) -> bool:
    """A cheap look at the text: most JSON in a repository is not a plan."""
    head = text.lstrip()[:1]
    return (head == "{" and '"format_version"' in text
            and any(f'"{section}"' in text for section in PLAN_SECTIONS))


def parse_plan(text: str, path: str) -> TerraformPlan:
    # Here: linter.terraform_components reads PLAN_SECTIONS for every scan's inputs.
    from linter.parsers.yaml_source import DocumentError, load_documents
    from linter.values import ConfigNode

    try:
        documents = load_documents(text, json_mode=True)
    except DocumentError as error:
        raise PlanError(f"Terraform plan JSON: {error}") from None
    if len(documents) != 1 or not isinstance(documents[0], ConfigNode):
        raise PlanError("Terraform plan JSON must be one JSON object")
    document = documents[0]
    version = document.get("format_version")
    if not isinstance(version, str) or not any(key in document for key in PLAN_SECTIONS):
        raise PlanError("not a Terraform plan: `format_version` and `planned_values` or "
                        "`resource_changes` are required")
    if version.split(".")[0] not in SUPPORTED_MAJOR_VERSIONS:
        raise PlanError(f"Terraform plan format_version {version} is not supported "
                        f"(supported: {', '.join(v + '.x' for v in SUPPORTED_MAJOR_VERSIONS)})")
    for section, kind in (("planned_values", ConfigNode), ("resource_changes", list),
                          ("configuration", ConfigNode)):
        if section in document and not isinstance(document.get(section), kind):
            raise PlanError(f"Terraform plan JSON: `{section}` is not "
                            f"{'an object' if kind is ConfigNode else 'a list'}")
    terraform_version = document.get("terraform_version")
    return TerraformPlan(path, document,
                         terraform_version if isinstance(terraform_version, str) else "")
