"""aws_backup_vault."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.backup import Vault
from linter.resolve.terraform import ResolvedBlock


def build_vault(block: ResolvedBlock, context: TerraformContext) -> list[Vault]:
    return [Vault(**context.identity(block),
                  kms_key=field_at(block.config, "kms_key_arn", block.type))]


BUILDERS = {"aws_backup_vault": build_vault}
