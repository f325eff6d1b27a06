"""Azure Key Vault: the keys that seal ePHI stores."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class KeyVault(Resource):
    """A Key Vault: whether purge protection and soft delete keep deleted keys recoverable."""

    MODEL = "azure.keyvault.KeyVault"

    # True: a deleted vault or key cannot be purged before its retention ends; default
    # false, and once on it cannot be turned off.
    purge_protection: Field
    # azurerm 2.x only: false turned soft delete off. Absent on 3.x/4.x (always on).
    soft_delete_enabled: Field
    # Days a deleted vault or key stays recoverable: 7 to 90 (default 90).
    soft_delete_retention_days: Field


@dataclass(frozen=True, kw_only=True)
class Key(Resource):
    """A Key Vault key (azurerm_key_vault_key) that stores' customer-managed encryption
    refers to."""

    MODEL = "azure.keyvault.Key"

    # True when the key's rotation_policy has an automatic block (time_after_creation or
    # time_before_expiry): Key Vault creates a new key version on that schedule. Not
    # written: the key is never rotated unless someone does it by hand.
    automatic_rotation: Field
