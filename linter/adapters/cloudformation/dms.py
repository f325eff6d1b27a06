"""AWS::DMS::Endpoint."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at, same_text
from linter.models.aws.dms import Endpoint, ssl_configurable
from linter.models.base import Field
from linter.resolve.cloudformation import ResolvedResource


def build_endpoint(resource: ResolvedResource, context: TemplateContext) -> list[Endpoint]:
    properties, kind = resource.properties, resource.type

    def read(path: str) -> Field:
        return field_at(properties, path, kind, attribute=f"Properties.{path}")

    engine = read("EngineName")
    s3_mode = (read("S3Settings.EncryptionMode") if same_text(engine.value, "s3")
               else Field.absent("Properties.S3Settings.EncryptionMode"))
    direction = read("EndpointType")
    if isinstance(direction.value, str):  # DMS reads it without case
        direction = Field(direction.value.lower(), direction.state, direction.attribute,
                          direction.line)
    return [Endpoint(**context.identity(resource), engine_name=engine, endpoint_type=direction,
                     ssl_configurable=ssl_configurable(engine), ssl_mode=read("SslMode"),
                     kms_key=read("KmsKeyId"), s3_encryption_mode=s3_mode)]


BUILDERS = {"AWS::DMS::Endpoint": build_endpoint}
