"""aws_dms_endpoint and aws_dms_s3_endpoint."""

from __future__ import annotations

from linter.adapters.fields import field_at, same_text
from linter.adapters.terraform import TerraformContext
from linter.models.aws.dms import Endpoint, ssl_configurable
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode


def build_endpoint(block: ResolvedBlock, context: TerraformContext) -> list[Endpoint]:
    config = block.config
    engine = field_at(config, "engine_name", block.type)
    s3_mode = (field_at(config, "s3_settings.encryption_mode", block.type)
               if same_text(engine.value, "s3") else Field.absent("s3_settings.encryption_mode"))
    return [Endpoint(**context.identity(block), engine_name=engine,
                     endpoint_type=_direction(config, block.type),
                     ssl_configurable=ssl_configurable(engine),
                     ssl_mode=field_at(config, "ssl_mode", block.type),
                     kms_key=field_at(config, "kms_key_arn", block.type),
                     s3_encryption_mode=s3_mode)]


def _direction(config: ConfigNode, source_type: str) -> Field:
    """source or target; DMS reads the value without case."""
    field = field_at(config, "endpoint_type", source_type)
    if isinstance(field.value, str):
        return Field(field.value.lower(), field.state, field.attribute, field.line)
    return field


def build_s3_endpoint(block: ResolvedBlock, context: TerraformContext) -> list[Endpoint]:
    """The S3-only endpoint resource: its engine is S3 by definition."""
    config = block.config
    engine = Field("s3", FieldState.DEFAULT, "engine_name", None,
                   "aws_dms_s3_endpoint always reads or writes S3")
    return [Endpoint(**context.identity(block), engine_name=engine,
                     endpoint_type=_direction(config, block.type),
                     ssl_configurable=ssl_configurable(engine),
                     ssl_mode=field_at(config, "ssl_mode", block.type),
                     kms_key=field_at(config, "kms_key_arn", block.type),
                     s3_encryption_mode=field_at(config, "encryption_mode", block.type))]


BUILDERS = {"aws_dms_endpoint": build_endpoint, "aws_dms_s3_endpoint": build_s3_endpoint}
