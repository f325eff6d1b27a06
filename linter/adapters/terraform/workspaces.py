"""aws_workspaces_workspace."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.workspaces import Workspace
from linter.resolve.terraform import ResolvedBlock


def build_workspace(block: ResolvedBlock, context: TerraformContext) -> list[Workspace]:
    config = block.config
    return [Workspace(**context.identity(block),
                      root_volume_encrypted=as_bool(field_at(
                          config, "root_volume_encryption_enabled", block.type)),
                      user_volume_encrypted=as_bool(field_at(
                          config, "user_volume_encryption_enabled", block.type)),
                      kms_key=field_at(config, "volume_encryption_key", block.type))]


BUILDERS = {"aws_workspaces_workspace": build_workspace}
