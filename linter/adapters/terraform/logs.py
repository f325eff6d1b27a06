"""aws_cloudwatch_log_group."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.logs import LogGroup
from linter.resolve.terraform import ResolvedBlock


def build_log_group(block: ResolvedBlock, context: TerraformContext) -> list[LogGroup]:
    return [LogGroup(**context.identity(block),
                     kms_key=field_at(block.config, "kms_key_id", block.type))]


BUILDERS = {"aws_cloudwatch_log_group": build_log_group}
