"""AWS::Logs::LogGroup."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.logs import LogGroup
from linter.resolve.cloudformation import ResolvedResource


def build_log_group(resource: ResolvedResource, context: TemplateContext) -> list[LogGroup]:
    return [LogGroup(**context.identity(resource),
                     kms_key=field_at(resource.properties, "KmsKeyId", resource.type,
                                      attribute="Properties.KmsKeyId"))]


BUILDERS = {"AWS::Logs::LogGroup": build_log_group}
