"""Azure Recovery Services vaults: the backups of the VMs, SQL databases and file shares
that hold ePHI."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Vault(Resource):
    """A Recovery Services vault: whether a customer-managed key encrypts its backups, and
    whether they are immutable."""

    MODEL = "azure.recovery.Vault"

    # encryption.key_id: the Key Vault (or Managed HSM) key that encrypts the backup data;
    # absent: platform-managed keys. Once set it cannot be removed.
    customer_managed_key: Field
    # immutability: Disabled, Unlocked (recovery points cannot be deleted before they
    # expire, but the setting can be turned off) or Locked (it cannot); not written:
    # no immutability.
    immutability: Field
