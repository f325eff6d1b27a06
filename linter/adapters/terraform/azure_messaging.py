"""azurerm_eventhub_namespace and azurerm_servicebus_namespace, with the separate
resources that set their customer-managed keys."""

from __future__ import annotations

from linter.adapters.fields import blocks, field_at
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform._azure_fields import configured_by
from linter.models.azure.messaging import MessagingNamespace
from linter.models.base import Field
from linter.resolve.terraform import ResolvedBlock

# The separate key resource of each namespace type: (type, argument naming the namespace,
# key arguments). An Event Hubs namespace has no inline key block; a Service Bus one has
# customer_managed_key for user-assigned identities, the separate resource for
# system-assigned ones.
_KEY_RESOURCES = {
    "azurerm_eventhub_namespace": ("azurerm_eventhub_namespace_customer_managed_key",
                                   "eventhub_namespace_id", ("key_vault_key_ids",)),
    "azurerm_servicebus_namespace": ("azurerm_servicebus_namespace_customer_managed_key",
                                     "namespace_id", ("key_vault_key_id",)),
}


def build_namespace(block: ResolvedBlock,
                    context: TerraformContext) -> list[MessagingNamespace]:
    return [MessagingNamespace(
        **context.identity(block),
        minimum_tls_version=field_at(block.config, "minimum_tls_version", block.type),
        customer_managed_key=_customer_managed_key(block, context))]


def _customer_managed_key(block: ResolvedBlock, context: TerraformContext) -> Field:
    """True when the inline block or a separate key resource names a key; either
    passes, as the provider documents both forms."""
    inline = Field.absent("customer_managed_key")
    for node, _line in blocks(block.config, "customer_managed_key"):
        inline = field_at(node, "key_vault_key_id", block.type,
                          attribute="customer_managed_key.key_vault_key_id")
    companion_type, argument, key_names = _KEY_RESOURCES[block.type]
    companions = context.referencing(companion_type, argument, block)
    return configured_by(inline, companions, key_names, "customer_managed_key")


BUILDERS = {
    "azurerm_eventhub_namespace": build_namespace,
    "azurerm_servicebus_namespace": build_namespace,
}
