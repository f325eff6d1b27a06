"""aws_lambda_function."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.lambda_function import Function, environment_declared
from linter.resolve.terraform import ResolvedBlock


def build_function(block: ResolvedBlock, context: TerraformContext) -> list[Function]:
    config = block.config
    return [Function(**context.identity(block),
                     has_environment=environment_declared(
                         field_at(config, "environment.variables", block.type),
                         "environment.variables"),
                     kms_key=field_at(config, "kms_key_arn", block.type))]


BUILDERS = {"aws_lambda_function": build_function}
