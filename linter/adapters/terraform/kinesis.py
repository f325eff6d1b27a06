"""aws_kinesis_stream."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.kinesis import Stream
from linter.resolve.terraform import ResolvedBlock


def build_stream(block: ResolvedBlock, context: TerraformContext) -> list[Stream]:
    return [Stream(**context.identity(block),
                   encryption_type=field_at(block.config, "encryption_type", block.type),
                   kms_key=field_at(block.config, "kms_key_id", block.type))]


BUILDERS = {"aws_kinesis_stream": build_stream}
