"""Azure managed disks and virtual machines."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class ManagedDisk(Resource):
    """A managed disk (azurerm_managed_disk), or the OS disk of a VM or of a scale set's
    VMs, judged for its key."""

    MODEL = "azure.compute.ManagedDisk"

    # The disk encryption set (customer-managed Key Vault key) that encrypts the disk;
    # absent: platform-managed keys.
    disk_encryption_set: Field


@dataclass(frozen=True, kw_only=True)
class VirtualMachine(Resource):
    """A Linux or Windows virtual machine, or a virtual machine scale set (uniform or
    flexible orchestration), judged for host-side encryption."""

    MODEL = "azure.compute.VirtualMachine"

    # True: temp disks, OS/data disk caches and ephemeral disks are encrypted on the
    # host; default false (server-side encryption does not cover them).
    encryption_at_host: Field


@dataclass(frozen=True, kw_only=True)
class DiskEncryptionSet(Resource):
    """A disk encryption set (azurerm_disk_encryption_set): the Key Vault key that disks,
    snapshots and AKS nodes referencing it are encrypted with."""

    MODEL = "azure.compute.DiskEncryptionSet"

    # True: when a new version of the Key Vault key is created, every disk of the set is
    # re-wrapped with it within an hour; default false (disks keep the old version).
    auto_key_rotation: Field
