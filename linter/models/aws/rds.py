"""Amazon RDS and Aurora: DB instances, DB clusters and their manual snapshots."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, FieldState, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class DBInstance(Resource):
    MODEL = "aws.rds.DBInstance"

    # True when storage (and so backups, replicas, snapshots) is encrypted; false or
    # absent: plaintext (the API default).
    storage_encrypted: Field
    # The KMS key of the storage; absent: the AWS-managed alias/aws/rds key.
    kms_key: Field
    # The Aurora / Multi-AZ DB cluster the instance belongs to, which then owns storage
    # encryption and backups; absent for a stand-alone instance.
    cluster: Field
    # The instance this one replicates (a read replica inherits encryption); absent
    # for a primary.
    replica_source: Field
    # Days automated backups are kept; 0 turns automated backups off.
    backup_retention_period: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.storage_encrypted, lambda value: value is True)


@dataclass(frozen=True, kw_only=True)
class DBCluster(Resource):
    MODEL = "aws.rds.DBCluster"

    # True when the cluster volume is encrypted; false: plaintext.
    storage_encrypted: Field
    # The KMS key of the storage; absent: the AWS-managed alias/aws/rds key.
    kms_key: Field
    # Days automated backups are kept (1 to 35 for clusters).
    backup_retention_period: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.storage_encrypted, lambda value: value is True)


@dataclass(frozen=True, kw_only=True)
class Snapshot(Resource):
    """A manual DB or DB-cluster snapshot, or a copy of one."""

    MODEL = "aws.rds.Snapshot"

    # True when the snapshot is encrypted: inherited from its source database, or set
    # by the copy's KMS key. Its line is the argument that names the source.
    encrypted: Field
    # The KMS key a copy is encrypted with; absent: the source's key (or none).
    kms_key: Field


def storage_encryption(written: Field, restored_from: Field, serverless: bool = False) -> Field:
    """Storage encryption when the attribute is left out, for every source format.

    A database restored from a snapshot (or created as a replica of another cluster)
    inherits the source's encryption, which the configuration cannot show; Aurora
    Serverless v1 clusters are always encrypted.
    """
    if written.state not in (FieldState.ABSENT, FieldState.DEFAULT):
        return written
    if serverless:
        return Field.default(True, written.attribute, "Aurora Serverless v1 is always encrypted")
    if restored_from.state is not FieldState.ABSENT:
        return Field(None, FieldState.UNKNOWN, written.attribute, restored_from.line,
                     f"inherited from `{restored_from.attribute}`")
    return written
