"""The OS disk of an Azure VM, judged like a managed disk for its encryption key.

A separate module because a module maps each source type to one builder, and the VM
itself is built in azure_compute.py.
"""

from __future__ import annotations

from linter.adapters.fields import blocks, field_at
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform.azure_compute import VIRTUAL_MACHINES
from linter.models.azure.compute import ManagedDisk
from linter.models.base import SourceLocation
from linter.resolve.terraform import ResolvedBlock


def build_os_disk(block: ResolvedBlock, context: TerraformContext) -> list[ManagedDisk]:
    found = blocks(block.config, "os_disk")
    if not found:
        return []
    node, line = found[0]
    identity = context.identity(block)
    # The finding points at the os_disk block, and the address names the disk.
    identity["address"] = f"{block.address}.os_disk"
    identity["location"] = SourceLocation(block.path, line, block.end_line)
    return [ManagedDisk(**identity, disk_encryption_set=field_at(
        node, "disk_encryption_set_id", block.type,
        attribute="os_disk.disk_encryption_set_id"))]


BUILDERS = {source_type: build_os_disk for source_type in VIRTUAL_MACHINES}
