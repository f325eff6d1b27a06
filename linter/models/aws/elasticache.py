"""Amazon ElastiCache (Redis OSS / Valkey) replication groups."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class ReplicationGroup(Resource):
    MODEL = "aws.elasticache.ReplicationGroup"

    # Cache engine: redis (the provider default) or valkey; decides the at-rest default.
    engine: Field
    # Encryption of data on disk (snapshots, swap): true/false; defaults depend on engine.
    at_rest_encryption: Field
    # The KMS key for at-rest encryption; absent means the service-managed default key.
    kms_key: Field
    # TLS between clients and nodes and between nodes: true/false (API default false).
    transit_encryption: Field
    # preferred (TLS and plaintext both accepted) or required (TLS only); absent when unset.
    transit_encryption_mode: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.at_rest_encryption, lambda value: value is True)
