"""AWS::EFS::FileSystem."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.efs import FileSystem
from linter.resolve.cloudformation import ResolvedResource


def build_file_system(resource: ResolvedResource, context: TemplateContext) -> list[FileSystem]:
    properties = resource.properties
    return [FileSystem(**context.identity(resource),
                       encrypted=as_bool(field_at(properties, "Encrypted", resource.type,
                                                  attribute="Properties.Encrypted")),
                       kms_key=field_at(properties, "KmsKeyId", resource.type,
                                        attribute="Properties.KmsKeyId"))]


BUILDERS = {"AWS::EFS::FileSystem": build_file_system}
