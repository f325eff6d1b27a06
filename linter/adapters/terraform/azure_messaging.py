"""azurerm_eventhub_namespace and azurerm_servicebus_namespace."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.azure.messaging import MessagingNamespace
from linter.resolve.terraform import ResolvedBlock


def build_namespace(block: ResolvedBlock,
                    context: TerraformContext) -> list[MessagingNamespace]:
    return [MessagingNamespace(
        **context.identity(block),
        minimum_tls_version=field_at(block.config, "minimum_tls_version", block.type))]


BUILDERS = {
    "azurerm_eventhub_namespace": build_namespace,
    "azurerm_servicebus_namespace": build_namespace,
}
