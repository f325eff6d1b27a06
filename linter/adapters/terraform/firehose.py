"""aws_kinesis_firehose_delivery_stream."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at, lookup
from linter.adapters.terraform import TerraformContext
from linter.models.aws.firehose import DeliveryStream, customer_key
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, Unknown

# Terraform has no stream-type argument: a source block sets DeliveryStreamType.
_SOURCE_BLOCKS = (("kinesis_source_configuration", "KinesisStreamAsSource"),
                  ("msk_source_configuration", "MSKAsSource"),
                  ("database_source_configuration", "DatabaseAsSource"))


def build_delivery_stream(block: ResolvedBlock,
                          context: TerraformContext) -> list[DeliveryStream]:
    config, source_type = block.config, block.type

    def read(path: str) -> Field:
        return field_at(config, f"server_side_encryption.{path}", source_type)

    return [DeliveryStream(
        **context.identity(block),
        delivery_stream_type=stream_type(config),
        server_side_encryption=as_bool(read("enabled")),
        kms_key=customer_key(read("key_type"), read("key_arn")))]


def stream_type(config: ConfigNode) -> Field:
    """DeliveryStreamType as the source blocks written decide it."""
    for name, delivery_stream_type in _SOURCE_BLOCKS:
        value, line, found = lookup(config, name)
        if isinstance(value, Unknown):  # a dynamic block whose for_each is not known
            return Field(None, FieldState.UNKNOWN, name, line, value.reason)
        if found and value not in (None, []):
            return Field.derived(delivery_stream_type, name, line)
    return Field.default("DirectPut", "kinesis_source_configuration",
                         "no source block: producers put records directly")


BUILDERS = {"aws_kinesis_firehose_delivery_stream": build_delivery_stream}
