"""Amazon DynamoDB tables, global tables and their regional replicas."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, FieldState, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Table(Resource):
    """A DynamoDB table: whether it is encrypted with a KMS key, and with which one."""

    MODEL = "aws.dynamodb.Table"

    # True: encrypted with a KMS key (aws/dynamodb or a customer key). False or absent:
    # encrypted with an AWS-owned key the account cannot see, restrict or audit.
    kms_encryption_enabled: Field
    # The customer-managed key when KMS encryption is on; absent: alias/aws/dynamodb.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.kms_encryption_enabled, lambda value: value is True)


@dataclass(frozen=True, kw_only=True)
class GlobalTable(Resource):
    """An AWS::DynamoDB::GlobalTable: one encryption type for all its replicas, whose keys
    are named per replica (TableReplica), so it has no key of its own to judge."""

    MODEL = "aws.dynamodb.GlobalTable"

    # True: every replica is encrypted with a KMS key (SSESpecification.SSEEnabled).
    # False or absent: AWS-owned keys.
    kms_encryption_enabled: Field


@dataclass(frozen=True, kw_only=True)
class TableReplica(Resource):
    """One regional replica of a global table: a `replica` block of aws_dynamodb_table,
    an aws_dynamodb_table_replica, or an entry of AWS::DynamoDB::GlobalTable Replicas.

    A replica holds a full copy of the table's items in another region and is encrypted
    with a key of that region, named on the replica, not with the table's own key.
    """

    MODEL = "aws.dynamodb.TableReplica"

    # The global table's encryption type, which every replica shares: True for KMS,
    # False for AWS-owned keys. UNKNOWN when the main table is outside the scan.
    kms_encryption_enabled: Field
    # The replica's own key; absent: alias/aws/dynamodb of the replica's region (with
    # KMS) or an AWS-owned key (without).
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether KEY-001 judges the replica's key.

        Skipped only when the global table is known to use AWS-owned keys (ENC-005 reports
        the table). When the table's setting cannot be known the key is still judged: a
        replica without a key of its own is not under a customer-managed key either way,
        and one with a key is KMS-encrypted by definition.
        """
        switch = self.kms_encryption_enabled
        if switch.state is FieldState.UNKNOWN:
            return Field.derived(True, switch.attribute, switch.line)
        return derived_switch(switch, lambda value: value is True)
