"""AWS::Kinesis::Stream."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.kinesis import Stream
from linter.models.base import Field, FieldState
from linter.resolve.cloudformation import ResolvedResource


def build_stream(resource: ResolvedResource, context: TemplateContext) -> list[Stream]:
    properties, source_type = resource.properties, resource.type
    encryption_type = field_at(properties, "StreamEncryption.EncryptionType", source_type,
                               attribute="Properties.StreamEncryption.EncryptionType")
    if encryption_type.state is FieldState.ABSENT:
        # No StreamEncryption at all: the message names the property to add.
        encryption_type = Field.absent("Properties.StreamEncryption")
    return [Stream(**context.identity(resource),
                   encryption_type=encryption_type,
                   kms_key=field_at(properties, "StreamEncryption.KeyId", source_type,
                                    attribute="Properties.StreamEncryption.KeyId"))]


BUILDERS = {"AWS::Kinesis::Stream": build_stream}
