"""AWS::DynamoDB::Table."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.dynamodb import Table
from linter.resolve.cloudformation import ResolvedResource

_SSE = "SSESpecification"


def build_table(resource: ResolvedResource, context: TemplateContext) -> list[Table]:
    properties = resource.properties
    enabled = field_at(properties, f"{_SSE}.SSEEnabled", resource.type,
                       attribute=f"Properties.{_SSE}.SSEEnabled")
    key = field_at(properties, f"{_SSE}.KMSMasterKeyId", resource.type,
                   attribute=f"Properties.{_SSE}.KMSMasterKeyId")
    return [Table(**context.identity(resource), kms_encryption_enabled=as_bool(enabled),
                  kms_key=key)]


BUILDERS = {"AWS::DynamoDB::Table": build_table}
