"""Azure Cosmos DB accounts: patient-facing app data, FHIR resources, device telemetry."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Account(Resource):
    """A Cosmos DB account: whether a customer-managed key encrypts it, and its TLS floor."""

    MODEL = "azure.cosmosdb.Account"

    # The Key Vault (or Managed HSM) key that encrypts the account (key_vault_key_id);
    # absent: Microsoft-managed keys. Can only be set when the account is created.
    customer_managed_key: Field
    # The oldest TLS version the account accepts: Tls, Tls11 or Tls12 (the azurerm default;
    # the newest provider versions accept Tls12 only).
    minimal_tls_version: Field
