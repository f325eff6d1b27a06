"""Amazon Neptune graph database clusters."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    """A Neptune cluster: whether its storage is encrypted, and with which key."""

    MODEL = "aws.neptune.Cluster"

    # True when the cluster volume, its backups and snapshots are encrypted; false or
    # absent: plaintext.
    storage_encrypted: Field
    # The KMS key of the storage; absent: the AWS-managed alias/aws/rds key.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.storage_encrypted, lambda value: value is True)
