"""aws_cloudtrail."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.cloudtrail import Trail
from linter.resolve.terraform import ResolvedBlock


def build_trail(block: ResolvedBlock, context: TerraformContext) -> list[Trail]:
    config, kind = block.config, block.type
    return [Trail(**context.identity(block),
                  kms_key=field_at(config, "kms_key_id", kind),
                  multi_region=as_bool(field_at(config, "is_multi_region_trail", kind)),
                  log_file_validation=as_bool(
                      field_at(config, "enable_log_file_validation", kind)))]


BUILDERS = {"aws_cloudtrail": build_trail}
