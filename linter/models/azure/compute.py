"""Azure managed disks and virtual machines."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class ManagedDisk(Resource):
    """A managed disk (azurerm_managed_disk) or a VM's OS disk, judged for its key."""

    MODEL = "azure.compute.ManagedDisk"

    # The disk encryption set (customer-managed Key Vault key) that encrypts the disk;
    # absent: platform-managed keys.
    disk_encryption_set: Field


@dataclass(frozen=True, kw_only=True)
class VirtualMachine(Resource):
    MODEL = "azure.compute.VirtualMachine"

    # True: temp disks, OS/data disk caches and ephemeral disks are encrypted on the
    # host; default false (server-side encryption does not cover them).
    encryption_at_host: Field
