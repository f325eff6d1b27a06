"""aws_sqs_queue."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.sqs import Queue
from linter.resolve.terraform import ResolvedBlock


def build_queue(block: ResolvedBlock, context: TerraformContext) -> list[Queue]:
    config, source_type = block.config, block.type
    return [Queue(**context.identity(block),
                  kms_key=field_at(config, "kms_master_key_id", source_type),
                  sqs_managed_encryption=as_bool(
                      field_at(config, "sqs_managed_sse_enabled", source_type)))]


BUILDERS = {"aws_sqs_queue": build_queue}
