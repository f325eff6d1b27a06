"""aws_dynamodb_table."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.dynamodb import Table
from linter.resolve.terraform import ResolvedBlock


def build_table(block: ResolvedBlock, context: TerraformContext) -> list[Table]:
    config = block.config
    return [Table(**context.identity(block),
                  kms_encryption_enabled=as_bool(field_at(
                      config, "server_side_encryption.enabled", block.type)),
                  kms_key=field_at(config, "server_side_encryption.kms_key_arn", block.type))]


BUILDERS = {"aws_dynamodb_table": build_table}
