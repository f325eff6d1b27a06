"""AWS::DynamoDB::Table and AWS::DynamoDB::GlobalTable (its replicas: dynamodb_replica.py)."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.dynamodb import GlobalTable, Table
from linter.resolve.cloudformation import ResolvedResource

_SSE = "SSESpecification"


def build_table(resource: ResolvedResource, context: TemplateContext) -> list[Table]:
    properties = resource.properties
    enabled = as_bool(field_at(properties, f"{_SSE}.SSEEnabled", resource.type,
                               attribute=f"Properties.{_SSE}.SSEEnabled"))
    key = field_at(properties, f"{_SSE}.KMSMasterKeyId", resource.type,
                   attribute=f"Properties.{_SSE}.KMSMasterKeyId")
    return [Table(**context.identity(resource), kms_encryption_enabled=as_bool(enabled),
                  kms_key=key)]


def build_global_table(resource: ResolvedResource,
                       context: TemplateContext) -> list[GlobalTable]:
    enabled = field_at(resource.properties, f"{_SSE}.SSEEnabled", resource.type,
                       attribute=f"Properties.{_SSE}.SSEEnabled")
    return [GlobalTable(**context.identity(resource), kms_encryption_enabled=as_bool(enabled))]


BUILDERS = {
    "AWS::DynamoDB::Table": build_table,
    "AWS::DynamoDB::GlobalTable": build_global_table,
}
