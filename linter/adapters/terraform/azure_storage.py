"""azurerm_storage_account (and its separate customer-managed key resource)."""

from __future__ import annotations

from linter.adapters.fields import as_bool, blocks, field_at
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform._azure_fields import configured_by, renamed_field
from linter.models.azure.storage import StorageAccount
from linter.models.base import Field
from linter.resolve.terraform import ResolvedBlock

_KEY_NAMES = ("key_vault_key_id", "managed_hsm_key_id")
# The separate resource names the key by vault and key name, or by Managed HSM key id.
_COMPANION_KEY_NAMES = ("key_name", "managed_hsm_key_id")


def build_storage_account(block: ResolvedBlock,
                          context: TerraformContext) -> list[StorageAccount]:
    config = block.config
    return [StorageAccount(
        **context.identity(block),
        min_tls_version=field_at(config, "min_tls_version", block.type),
        https_traffic_only=as_bool(renamed_field(
            config, "https_traffic_only_enabled", "enable_https_traffic_only", block.type)),
        infrastructure_encryption=as_bool(
            field_at(config, "infrastructure_encryption_enabled", block.type)),
        customer_managed_key=_customer_managed_key(block, context))]


def _customer_managed_key(block: ResolvedBlock, context: TerraformContext) -> Field:
    inline = Field.absent("customer_managed_key")
    for node, _line in blocks(block.config, "customer_managed_key"):
        for name in _KEY_NAMES:
            if node.get(name) is not None:
                inline = field_at(node, name, block.type,
                                  attribute=f"customer_managed_key.{name}")
                break
    companions = context.referencing("azurerm_storage_account_customer_managed_key",
                                     "storage_account_id", block)
    return configured_by(inline, companions, _COMPANION_KEY_NAMES, "customer_managed_key")


BUILDERS = {"azurerm_storage_account": build_storage_account}
