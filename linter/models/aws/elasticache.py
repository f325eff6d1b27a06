"""Amazon ElastiCache: replication groups, stand-alone cache clusters, serverless caches."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, FieldState, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class ReplicationGroup(Resource):
    """An ElastiCache replication group: at-rest encryption and its key, and TLS in transit."""

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


@dataclass(frozen=True, kw_only=True)
class CacheCluster(Resource):
    """A node-based cluster of its own: Memcached, or a single Redis OSS / Valkey node.

    A cluster that belongs to a replication group takes the group's encryption and is
    judged through the group: the adapters build no CacheCluster for it.
    """

    MODEL = "aws.elasticache.CacheCluster"

    # memcached, redis or valkey.
    engine: Field
    # ElastiCache encrypts node-based caches at rest only as replication groups, so a
    # cluster of its own is never encrypted at rest (the API reports false).
    at_rest_encryption: Field
    # TLS between clients and nodes: true/false (API default false).
    transit_encryption: Field
    # preferred or required; absent when the cluster has no such setting.
    transit_encryption_mode: Field


def stand_alone_at_rest(engine: Field) -> Field:
    """A stand-alone cluster's at-rest encryption, which no template setting can turn on.

    Source: ElastiCache user guide, "At-Rest Encryption Conditions": at-rest encryption
    is supported on replication groups (Valkey, Redis OSS) and, for Memcached, only on
    serverless caches; CreateCacheCluster has no AtRestEncryptionEnabled parameter.
    """
    memcached = isinstance(engine.value, str) and engine.value.lower() == "memcached"
    reason = ("node-based Memcached clusters cannot be encrypted at rest" if memcached
              else "ElastiCache encrypts Redis OSS and Valkey at rest only as replication "
                   "groups")
    return Field.default(False, "at_rest_encryption", reason)


@dataclass(frozen=True, kw_only=True)
class ServerlessCache(Resource):
    """An ElastiCache Serverless cache: always encrypted at rest and in transit.

    Source: ElastiCache user guide: at-rest encryption "is always enabled on a serverless
    cache"; "All serverless caches have in-transit encryption enabled". Only the key is
    a choice.
    """

    MODEL = "aws.elasticache.ServerlessCache"

    # The KMS key for data at rest; absent: the default service key.
    kms_key: Field

    @property
    def at_rest_encryption(self) -> Field:
        return Field(True, FieldState.DEFAULT, "at_rest_encryption", None,
                     "ElastiCache Serverless always encrypts data at rest")

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return self.at_rest_encryption

    @property
    def transit_encryption(self) -> Field:
        return Field(True, FieldState.DEFAULT, "transit_encryption", None,
                     "ElastiCache Serverless always encrypts in transit")

    @property
    def transit_encryption_mode(self) -> Field:
        # A migration setting of node-based caches; serverless caches have none.
        return Field.absent("transit_encryption_mode")
