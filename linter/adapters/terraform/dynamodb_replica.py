"""DynamoDB global table replicas: replica blocks of aws_dynamodb_table, and
aws_dynamodb_table_replica.

The table itself is a plain mapping (tables/mappings/aws_core.yaml); its replicas are
models of their own, built here from the same resource.

Each replica is encrypted with a key of its own region: `kms_key_arn` on the replica,
which the provider documents as needed only when the key differs from the default
alias/aws/dynamodb. The encryption type (KMS or AWS-owned) is the main table's
`server_side_encryption.enabled`.
"""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import as_bool, blocks, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.dynamodb import TableReplica
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, ResourceRef, Unknown

_TABLE = "aws_dynamodb_table"
_SWITCH = "server_side_encryption.enabled"


def build_inline_replicas(block: ResolvedBlock,
                          context: TerraformContext) -> list[TableReplica]:
    switch = as_bool(field_at(block.config, _SWITCH, block.type))
    written = block.config.get("replica")
    if written is not None and not isinstance(written, (list, ConfigNode)):
        # A dynamic "replica" block whose for_each is not known: which replicas exist,
        # and with which keys, cannot be read, which must not read as "no replicas".
        reason = written.reason if isinstance(written, Unknown) else "not a known block"
        unknown_key = Field(None, FieldState.UNKNOWN, "replica.kms_key_arn",
                            block.config.line_of("replica"), reason)
        return [TableReplica(**_identity(block, context, "*"),
                             kms_encryption_enabled=switch, kms_key=unknown_key)]
    replicas = []
    for index, (node, line) in enumerate(blocks(block.config, "replica")):
        region = node.get("region_name")
        replicas.append(TableReplica(
            **_identity(block, context, region if isinstance(region, str) else str(index)),
            kms_encryption_enabled=switch,
            kms_key=_replica_key(node, line, block.type, "replica.kms_key_arn")))
    return replicas


def build_replica_resource(block: ResolvedBlock,
                           context: TerraformContext) -> list[TableReplica]:
    return [TableReplica(
        **context.identity(block),
        kms_encryption_enabled=_main_table_switch(block.config.get("global_table_arn")),
        kms_key=_replica_key(block.config, block.line, block.type, "kms_key_arn"))]


def _identity(block: ResolvedBlock, context: TerraformContext, label: str) -> dict[str, Any]:
    """The table's identity (its location too: a plan that judges the table replaces
    these findings as well), with an address naming the replica by region."""
    identity = context.identity(block)
    identity["address"] = f"{block.address}.replica[{label}]"
    return identity


def _replica_key(node: ConfigNode, line: int, source_type: str, shown: str) -> Field:
    """The replica's key; when absent, located at the replica so the finding names it
    (the resource itself starts at the table's first line)."""
    key = field_at(node, "kms_key_arn", source_type, attribute=shown)
    if key.state is FieldState.ABSENT:
        return Field(None, FieldState.ABSENT, shown, line,
                     "no kms_key_arn: alias/aws/dynamodb of the replica's region")
    return key


def _main_table_switch(reference: Any) -> Field:
    """The main table's encryption type, read through `global_table_arn`."""
    shown = f"global_table_arn -> {_SWITCH}"
    if isinstance(reference, ResourceRef) and reference.resource_type == _TABLE \
            and isinstance(reference.arguments, ConfigNode):
        switch = as_bool(field_at(reference.arguments, _SWITCH, _TABLE))
        # The value comes from another block: its line is not the replica's.
        return Field(switch.value, switch.state,
                     f"{reference.resource_type}.{reference.name}.{_SWITCH}", None,
                     switch.reason)
    reason = (reference.reason if isinstance(reference, Unknown)
              else "the main table is not an aws_dynamodb_table in the scanned files")
    return Field(None, FieldState.UNKNOWN, shown, None, reason)


BUILDERS = {
    _TABLE: build_inline_replicas,
    "aws_dynamodb_table_replica": build_replica_resource,
}
