"""FSx for Windows File Server, Lustre, NetApp ONTAP and OpenZFS file systems."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.fsx import FileSystem
from linter.resolve.terraform import ResolvedBlock


def build_file_system(block: ResolvedBlock, context: TerraformContext) -> list[FileSystem]:
    return [FileSystem(**context.identity(block),
                       kms_key=field_at(block.config, "kms_key_id", block.type))]


BUILDERS = {
    "aws_fsx_windows_file_system": build_file_system,
    "aws_fsx_lustre_file_system": build_file_system,
    "aws_fsx_ontap_file_system": build_file_system,
    "aws_fsx_openzfs_file_system": build_file_system,
}
