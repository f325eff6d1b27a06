"""Managed disks, Linux/Windows virtual machines and virtual machine scale sets (with
their OS disks)."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.azure.compute import ManagedDisk, VirtualMachine
from linter.resolve.terraform import ResolvedBlock

# Scale sets (uniform and flexible orchestration) take the same encryption_at_host_enabled
# and os_disk.disk_encryption_set_id arguments as single VMs.
VIRTUAL_MACHINES = ("azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine",
                    "azurerm_linux_virtual_machine_scale_set",
                    "azurerm_windows_virtual_machine_scale_set",
                    "azurerm_orchestrated_virtual_machine_scale_set")


def build_managed_disk(block: ResolvedBlock, context: TerraformContext) -> list[ManagedDisk]:
    return [ManagedDisk(**context.identity(block), disk_encryption_set=field_at(
        block.config, "disk_encryption_set_id", block.type))]


def build_virtual_machine(block: ResolvedBlock,
                          context: TerraformContext) -> list[VirtualMachine]:
    return [VirtualMachine(**context.identity(block), encryption_at_host=as_bool(
        field_at(block.config, "encryption_at_host_enabled", block.type)))]


BUILDERS = {
    "azurerm_managed_disk": build_managed_disk,
    **{source_type: build_virtual_machine for source_type in VIRTUAL_MACHINES},
}
