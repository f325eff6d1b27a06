"""Amazon Redshift provisioned clusters."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    MODEL = "aws.redshift.Cluster"

    # True when the cluster and its snapshots are encrypted at rest; false: plaintext.
    encrypted: Field
    # The KMS key; absent: the AWS-managed (or AWS-owned) default key.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.encrypted, lambda value: value is True)
