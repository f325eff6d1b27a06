"""Azure Event Hubs and Service Bus namespaces: HL7 and FHIR messages between systems."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class MessagingNamespace(Resource):
    """An Event Hubs namespace (azurerm_eventhub_namespace) or a Service Bus namespace
    (azurerm_servicebus_namespace): both set one TLS floor for every hub, queue and
    topic they hold, with the same argument and the same values."""

    MODEL = "azure.messaging.MessagingNamespace"

    # The oldest TLS version clients may use: 1.0, 1.1 or 1.2 (the azurerm 4.x default;
    # the provider does not accept 1.3 yet).
    minimum_tls_version: Field
    # True when a customer-managed Key Vault key encrypts the namespace's messages at
    # rest: a Service Bus customer_managed_key block, or an
    # azurerm_eventhub_namespace_customer_managed_key /
    # azurerm_servicebus_namespace_customer_managed_key that names the namespace. Absent:
    # Microsoft-managed keys. Only Premium (and Event Hubs Dedicated) namespaces take one.
    customer_managed_key: Field
