"""AWS::SQS::Queue."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.sqs import Queue
from linter.resolve.cloudformation import ResolvedResource


def build_queue(resource: ResolvedResource, context: TemplateContext) -> list[Queue]:
    properties, source_type = resource.properties, resource.type
    return [Queue(**context.identity(resource),
                  kms_key=field_at(properties, "KmsMasterKeyId", source_type,
                                   attribute="Properties.KmsMasterKeyId"),
                  sqs_managed_encryption=as_bool(field_at(
                      properties, "SqsManagedSseEnabled", source_type,
                      attribute="Properties.SqsManagedSseEnabled")))]


BUILDERS = {"AWS::SQS::Queue": build_queue}
