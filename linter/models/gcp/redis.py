"""Memorystore for Redis instances, Redis clusters and Memorystore for Valkey instances."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Instance(Resource):
    MODEL = "gcp.redis.Instance"

    # SERVER_AUTHENTICATION (TLS to the instance) or DISABLED (the default: plaintext).
    transit_encryption_mode: Field
    # The Cloud KMS key that encrypts the instance's persisted data (RDB snapshots, AOF)
    # (customer_managed_key); absent: Google-managed keys.
    kms_key: Field


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    MODEL = "gcp.redis.Cluster"

    # TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION (TLS to the cluster) or
    # TRANSIT_ENCRYPTION_MODE_DISABLED (the default: plaintext).
    transit_encryption_mode: Field
    # The Cloud KMS key that encrypts the cluster's persisted data (kms_key); absent:
    # Google-managed keys.
    kms_key: Field


@dataclass(frozen=True, kw_only=True)
class ValkeyInstance(Resource):
    MODEL = "gcp.redis.ValkeyInstance"

    # SERVER_AUTHENTICATION (TLS to the instance) or TRANSIT_ENCRYPTION_DISABLED (the
    # default: plaintext).
    transit_encryption_mode: Field
