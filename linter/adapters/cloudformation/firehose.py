"""AWS::KinesisFirehose::DeliveryStream."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.firehose import DeliveryStream, customer_key
from linter.models.base import Field, FieldState, derived_switch
from linter.resolve.cloudformation import ResolvedResource

_ENCRYPTION = "DeliveryStreamEncryptionConfigurationInput"


def build_delivery_stream(resource: ResolvedResource,
                          context: TemplateContext) -> list[DeliveryStream]:
    def read(path: str) -> Field:
        return field_at(resource.properties, path, resource.type,
                        attribute=f"Properties.{path}")

    encryption = read(_ENCRYPTION)
    if encryption.state is not FieldState.ABSENT:
        # The property is what turns encryption on (its KeyType is required): present
        # means encrypted; an !If that may drop it stays a choice between both.
        encryption = derived_switch(encryption, lambda value: value is not None)
    return [DeliveryStream(
        **context.identity(resource),
        delivery_stream_type=read("DeliveryStreamType"),
        server_side_encryption=encryption,
        kms_key=customer_key(read(f"{_ENCRYPTION}.KeyType"), read(f"{_ENCRYPTION}.KeyARN")))]


BUILDERS = {"AWS::KinesisFirehose::DeliveryStream": build_delivery_stream}
