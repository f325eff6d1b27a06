"""AWS Database Migration Service replication instances."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class ReplicationInstance(Resource):
    """A DMS replication instance: whether it is public, and the key of its storage."""

    MODEL = "aws.dms.ReplicationInstance"

    # True when the instance gets a public IP address. It reads whole source databases
    # (an EHR's included) while it migrates them, so a public one exposes all of it.
    publicly_accessible: Field
    # The KMS key that encrypts the instance's storage (cached changes, logs, task data
    # of the migrated tables); absent: the AWS-managed alias/aws/dms key.
    kms_key: Field
