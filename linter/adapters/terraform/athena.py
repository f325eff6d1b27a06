"""aws_athena_workgroup."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.athena import WorkGroup
from linter.resolve.terraform import ResolvedBlock

_RESULT = "configuration.result_configuration.encryption_configuration."


def build_workgroup(block: ResolvedBlock, context: TerraformContext) -> list[WorkGroup]:
    config = block.config
    return [WorkGroup(**context.identity(block),
                      result_encryption=field_at(config, _RESULT + "encryption_option",
                                                 block.type),
                      enforce_configuration=as_bool(field_at(
                          config, "configuration.enforce_workgroup_configuration",
                          block.type)),
                      kms_key=field_at(config, _RESULT + "kms_key_arn", block.type))]


BUILDERS = {"aws_athena_workgroup": build_workgroup}
