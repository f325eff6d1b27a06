"""Azure Storage accounts: blob containers and file shares of clinical images."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class StorageAccount(Resource):
    MODEL = "azure.storage.StorageAccount"

    # The oldest TLS version the account accepts: TLS1_0, TLS1_1, TLS1_2 (azurerm 3.x/4.x
    # default for new accounts; 2.x defaulted to TLS1_0).
    min_tls_version: Field
    # True: requests over plain HTTP (and SMB without encryption) are refused ("secure
    # transfer required"). https_traffic_only_enabled in azurerm 4.x,
    # enable_https_traffic_only in 3.x; default true.
    https_traffic_only: Field
    # True: a second, infrastructure-level AES-256 layer with a separate key; default false.
    infrastructure_encryption: Field
    # True when a customer-managed Key Vault / Managed HSM key encrypts the account (an
    # inline customer_managed_key block or an azurerm_storage_account_customer_managed_key
    # resource); absent: Microsoft-managed keys.
    customer_managed_key: Field
