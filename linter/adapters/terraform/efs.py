"""aws_efs_file_system."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.efs import FileSystem
from linter.resolve.terraform import ResolvedBlock


def build_file_system(block: ResolvedBlock, context: TerraformContext) -> list[FileSystem]:
    return [FileSystem(**context.identity(block),
                       encrypted=as_bool(field_at(block.config, "encrypted", block.type)),
                       kms_key=field_at(block.config, "kms_key_id", block.type))]


BUILDERS = {"aws_efs_file_system": build_file_system}
