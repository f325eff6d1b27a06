"""Amazon DynamoDB Accelerator (DAX) clusters."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    """A DAX cluster: encryption of cached data at rest, and TLS between clients and nodes."""

    MODEL = "aws.dax.Cluster"

    # True when the cluster's nodes encrypt cached items, logs and configuration at rest;
    # false or absent: plaintext (the default).
    server_side_encryption: Field
    # Encryption in transit between clients and the cluster: TLS or NONE (the default).
    endpoint_encryption: Field
