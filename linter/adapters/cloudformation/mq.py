"""AWS::AmazonMQ::Broker."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.mq import Broker
from linter.models.base import Field
from linter.resolve.cloudformation import ResolvedResource


def build_broker(resource: ResolvedResource, context: TemplateContext) -> list[Broker]:
    def read(path: str) -> Field:
        return field_at(resource.properties, path, resource.type, attribute=f"Properties.{path}")

    return [Broker(**context.identity(resource), engine_type=read("EngineType"),
                   use_aws_owned_key=as_bool(read("EncryptionOptions.UseAwsOwnedKey")),
                   kms_key=read("EncryptionOptions.KmsKeyId"),
                   publicly_accessible=as_bool(read("PubliclyAccessible")))]


BUILDERS = {"AWS::AmazonMQ::Broker": build_broker}
