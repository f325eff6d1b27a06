"""aws_ssm_parameter."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.ssm import Parameter
from linter.resolve.terraform import ResolvedBlock


def build_parameter(block: ResolvedBlock, context: TerraformContext) -> list[Parameter]:
    config = block.config
    return [Parameter(**context.identity(block),
                      name=field_at(config, "name", block.type),
                      description=field_at(config, "description", block.type),
                      type=field_at(config, "type", block.type),
                      kms_key=field_at(config, "key_id", block.type))]


BUILDERS = {"aws_ssm_parameter": build_parameter}
