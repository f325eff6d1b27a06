"""aws_backup_vault, with the resources its plans and selections back up into it."""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import blocks, field_at
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform.cloudtrail import store_key
from linter.models.aws.backup import Vault
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.values import ResourceRef, Unknown


def build_vault(block: ResolvedBlock, context: TerraformContext) -> list[Vault]:
    return [Vault(**context.identity(block),
                  kms_key=field_at(block.config, "kms_key_arn", block.type),
                  protected_resource_keys=_protected(block, context))]


def _protected(vault: ResolvedBlock, context: TerraformContext) -> Field:
    """[[address, key, shown], ...] for every resource a plan rule sends to this vault."""
    plans = [plan for plan in context.of_type("aws_backup_plan")
             if any(_names_vault(rule.get("target_vault_name"), vault)
                    for rule, _ in blocks(plan.config, "rule"))]
    if not plans:
        return Field(None, FieldState.UNKNOWN, "kms_key_arn", None,
                     "no aws_backup_plan in the scanned files sends recovery points here")
    entries: list[list[Any]] = []
    for plan in plans:
        for selection in context.referencing("aws_backup_selection", "plan_id", plan):
            entries.extend(_selected(selection, context))
    return Field.derived(entries, "kms_key_arn")


def _names_vault(value: Any, vault: ResolvedBlock) -> bool:
    # `aws_backup_vault.x.name` resolves to the vault's literal name.
    if isinstance(value, ResourceRef):
        return value.resource_type == vault.type and value.name == vault.name
    return value is not None and value == vault.config.get("name")


def _selected(selection: ResolvedBlock, context: TerraformContext) -> list[list[Any]]:
    config = selection.config
    if config.get("selection_tag") is not None or config.get("condition") is not None:
        return [[selection.address, Unknown(
            "selects resources by tag or condition, which a static scan cannot list"), ""]]
    resources = config.get("resources")
    if not isinstance(resources, list):
        return [[selection.address, Unknown("its resources are not known"), ""]]
    entries: list[list[Any]] = []
    for item in resources:
        store = _declared(item, context)
        if store is None:
            entries.append([selection.address, Unknown(
                f"covers {item}, which is not declared in the scanned files"), ""])
            continue
        key = store_key(store, context)
        if key is not None:
            entries.append([store.address, key, str(key)])
    return entries


def _declared(value: Any, context: TerraformContext) -> ResolvedBlock | None:
    if not isinstance(value, ResourceRef):
        return None
    return next((block for block in context.of_type(value.resource_type)
                 if block.name == value.name), None)


BUILDERS = {"aws_backup_vault": build_vault}
