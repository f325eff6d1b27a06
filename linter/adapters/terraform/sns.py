"""aws_sns_topic."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.sns import Topic
from linter.resolve.terraform import ResolvedBlock


def build_topic(block: ResolvedBlock, context: TerraformContext) -> list[Topic]:
    return [Topic(**context.identity(block),
                  kms_key=field_at(block.config, "kms_master_key_id", block.type))]


BUILDERS = {"aws_sns_topic": build_topic}
