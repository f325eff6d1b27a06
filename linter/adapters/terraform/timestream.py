"""aws_timestreamwrite_database."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.timestream import Database
from linter.resolve.terraform import ResolvedBlock


def build_database(block: ResolvedBlock, context: TerraformContext) -> list[Database]:
    return [Database(**context.identity(block),
                     kms_key=field_at(block.config, "kms_key_id", block.type))]


BUILDERS = {"aws_timestreamwrite_database": build_database}
