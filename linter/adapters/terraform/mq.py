"""aws_mq_broker."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.mq import Broker
from linter.resolve.terraform import ResolvedBlock


def build_broker(block: ResolvedBlock, context: TerraformContext) -> list[Broker]:
    config = block.config
    return [Broker(**context.identity(block),
                   engine_type=field_at(config, "engine_type", block.type),
                   use_aws_owned_key=as_bool(field_at(
                       config, "encryption_options.use_aws_owned_key", block.type)),
                   kms_key=field_at(config, "encryption_options.kms_key_id", block.type),
                   publicly_accessible=as_bool(
                       field_at(config, "publicly_accessible", block.type)))]


BUILDERS = {"aws_mq_broker": build_broker}
