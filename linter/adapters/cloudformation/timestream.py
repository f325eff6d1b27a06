"""AWS::Timestream::Database."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.timestream import Database
from linter.resolve.cloudformation import ResolvedResource


def build_database(resource: ResolvedResource, context: TemplateContext) -> list[Database]:
    return [Database(**context.identity(resource),
                     kms_key=field_at(resource.properties, "KmsKeyId", resource.type,
                                      attribute="Properties.KmsKeyId"))]


BUILDERS = {"AWS::Timestream::Database": build_database}
