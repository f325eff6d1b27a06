"""azurerm_key_vault."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.azure.keyvault import KeyVault
from linter.resolve.terraform import ResolvedBlock


def build_key_vault(block: ResolvedBlock, context: TerraformContext) -> list[KeyVault]:
    config = block.config
    return [KeyVault(
        **context.identity(block),
        purge_protection=as_bool(field_at(config, "purge_protection_enabled", block.type)),
        soft_delete_enabled=as_bool(field_at(config, "soft_delete_enabled", block.type)),
        soft_delete_retention_days=field_at(config, "soft_delete_retention_days", block.type))]


BUILDERS = {"azurerm_key_vault": build_key_vault}
