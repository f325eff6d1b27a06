"""AWS::SNS::Topic."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.sns import Topic
from linter.resolve.cloudformation import ResolvedResource


def build_topic(resource: ResolvedResource, context: TemplateContext) -> list[Topic]:
    return [Topic(**context.identity(resource),
                  kms_key=field_at(resource.properties, "KmsMasterKeyId", resource.type,
                                   attribute="Properties.KmsMasterKeyId"))]


BUILDERS = {"AWS::SNS::Topic": build_topic}
