"""AWS::FSx::FileSystem (every file system type)."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.fsx import FileSystem
from linter.resolve.cloudformation import ResolvedResource


def build_file_system(resource: ResolvedResource, context: TemplateContext) -> list[FileSystem]:
    return [FileSystem(**context.identity(resource),
                       kms_key=field_at(resource.properties, "KmsKeyId", resource.type,
                                        attribute="Properties.KmsKeyId"))]


BUILDERS = {"AWS::FSx::FileSystem": build_file_system}
