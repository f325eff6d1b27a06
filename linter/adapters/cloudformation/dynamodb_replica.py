"""The replicas of an AWS::DynamoDB::GlobalTable (Properties.Replicas).

The global table itself is a plain mapping (tables/mappings/aws_core.yaml); its replicas
are models of their own, built here from the same resource.

The template lists every replica, the stack's own region included. The encryption type
is the global table's SSESpecification.SSEEnabled; each replica names its key in
Replicas[].SSESpecification.KMSMasterKeyId, which CloudFormation documents as needed
only when the key differs from the default alias/aws/dynamodb, and which must be a key
of the replica's region.
"""

from __future__ import annotations

from typing import Any

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, blocks, field_at
from linter.models.aws.dynamodb import TableReplica
from linter.models.base import Field, FieldState
from linter.resolve.cloudformation import ResolvedResource
from linter.values import Unknown


def build_replicas(resource: ResolvedResource,
                   context: TemplateContext) -> list[TableReplica]:
    switch = as_bool(field_at(resource.properties, "SSESpecification.SSEEnabled",
                              resource.type,
                              attribute="Properties.SSESpecification.SSEEnabled"))
    written = resource.properties.get("Replicas")
    if written is not None and not isinstance(written, list):
        # A parameter or condition chooses the replicas: their keys cannot be read, which
        # must not read as "no replicas".
        reason = written.reason if isinstance(written, Unknown) else \
            "the replica list depends on a condition"
        unknown_key = Field(None, FieldState.UNKNOWN, "Properties.Replicas",
                            resource.properties.line_of("Replicas"), reason)
        return [TableReplica(**_identity(resource, context, "*"),
                             kms_encryption_enabled=switch, kms_key=unknown_key)]
    replicas = []
    for index, (node, line) in enumerate(blocks(resource.properties, "Replicas")):
        region = node.get("Region")
        identity = _identity(resource, context,
                             region if isinstance(region, str) else str(index))
        shown = f"Properties.Replicas[{index}].SSESpecification.KMSMasterKeyId"
        key = field_at(node, "SSESpecification.KMSMasterKeyId", resource.type,
                       attribute=shown)
        if key.state is FieldState.ABSENT:
            # Located at the replica entry, so the finding names it (the resource itself
            # starts at the global table's logical id).
            key = Field(None, FieldState.ABSENT, shown, line,
                        "no KMSMasterKeyId: alias/aws/dynamodb of the replica's region")
        replicas.append(TableReplica(**identity, kms_encryption_enabled=switch, kms_key=key))
    return replicas


def _identity(resource: ResolvedResource, context: TemplateContext,
              label: str) -> dict[str, Any]:
    identity = context.identity(resource)
    identity["address"] = f"{resource.logical_id}.Replicas[{label}]"
    return identity


BUILDERS = {"AWS::DynamoDB::GlobalTable": build_replicas}
