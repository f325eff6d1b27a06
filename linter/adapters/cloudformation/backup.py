"""AWS::Backup::BackupVault, with the resources its plans and selections back up into it."""

from __future__ import annotations

from typing import Any

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.cloudformation.cloudtrail import store_key
from linter.adapters.fields import blocks, field_at, lookup
from linter.models.aws.backup import Vault
from linter.models.base import Field, FieldState
from linter.resolve.cloudformation import ResolvedResource
from linter.values import PartialText, ResourceRef, Unknown

_ATTRIBUTE = "Properties.EncryptionKeyArn"


def build_vault(resource: ResolvedResource, context: TemplateContext) -> list[Vault]:
    return [Vault(**context.identity(resource),
                  kms_key=field_at(resource.properties, "EncryptionKeyArn", resource.type,
                                   attribute=_ATTRIBUTE),
                  protected_resource_keys=_protected(resource, context))]


def _protected(vault: ResolvedResource, context: TemplateContext) -> Field:
    plans = [plan for plan in context.of_type("AWS::Backup::BackupPlan")
             if any(_names_vault(rule.get("TargetBackupVault"), vault) for rule, _ in
                    blocks(plan.properties, "BackupPlan.BackupPlanRule"))]
    if not plans:
        return Field(None, FieldState.UNKNOWN, _ATTRIBUTE, None,
                     "no AWS::Backup::BackupPlan in the template sends recovery points here")
    entries: list[list[Any]] = []
    for plan in plans:
        for selection in context.referencing("AWS::Backup::BackupSelection", "BackupPlanId",
                                             plan):
            entries.extend(_selected(selection, context))
    return Field.derived(entries, _ATTRIBUTE)


def _names_vault(value: Any, vault: ResolvedResource) -> bool:
    if isinstance(value, ResourceRef):
        return value.name == vault.logical_id
    return value is not None and value == vault.properties.get("BackupVaultName")


def _selected(selection: ResolvedResource, context: TemplateContext) -> list[list[Any]]:
    body = selection.properties.get("BackupSelection")
    tags, _, tagged = lookup(body, "ListOfTags")
    conditions, _, conditional = lookup(body, "Conditions")
    if (tagged and tags) or (conditional and conditions):
        return [[selection.logical_id, Unknown(
            "selects resources by tag or condition, which a static scan cannot list"), ""]]
    resources, _, _ = lookup(body, "Resources")
    if not isinstance(resources, list):
        return [[selection.logical_id, Unknown("its resources are not known"), ""]]
    entries: list[list[Any]] = []
    for item in resources:
        store = _declared(item, context)
        if store is None:
            shown = item.reason if isinstance(item, Unknown) and not isinstance(
                item, PartialText) else getattr(item, "text", item)
            entries.append([selection.logical_id, Unknown(
                f"covers {shown}, which is not a resource of the template"), ""])
            continue
        key = store_key(store)
        if key is not None:
            entries.append([store.logical_id, key, str(key)])
    return entries


def _declared(value: Any, context: TemplateContext) -> ResolvedResource | None:
    """The template resource an ARN names: by Ref/GetAtt, or inside an `Fn::Sub` ARN."""
    if isinstance(value, ResourceRef):
        return next((candidate for candidate in context.resources
                     if candidate.logical_id == value.name), None)
    if isinstance(value, PartialText):
        # `!Sub arn:...:volume/${PhotoVolume}` keeps the reference as a placeholder.
        named = [candidate for candidate in context.resources
                 if "${" + f"{candidate.type}.{candidate.logical_id}" in value.text]
        return named[0] if len(named) == 1 else None
    return None


BUILDERS = {"AWS::Backup::BackupVault": build_vault}
