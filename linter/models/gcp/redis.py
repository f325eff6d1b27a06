"""Memorystore for Redis instances, Redis clusters and Memorystore for Valkey instances."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Instance(Resource):
    """A Memorystore for Redis instance: whether clients must use TLS, and whether a
    customer-managed key encrypts its persisted data."""

    MODEL = "gcp.redis.Instance"

    # SERVER_AUTHENTICATION (TLS to the instance) or DISABLED (the default: plaintext).
    transit_encryption_mode: Field
    # The Cloud KMS key that encrypts the instance's persisted data (RDB snapshots, AOF)
    # (customer_managed_key); absent: Google-managed keys.
    kms_key: Field


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    """A Memorystore for Redis cluster: whether clients must use TLS, and whether a
    customer-managed key encrypts its persisted data."""

    MODEL = "gcp.redis.Cluster"

    # TRANSIT_ENCRYPTION_MODE_SERVER_AUTHENTICATION (TLS to the cluster) or
    # TRANSIT_ENCRYPTION_MODE_DISABLED (the default: plaintext).
    transit_encryption_mode: Field
    # The Cloud KMS key that encrypts the cluster's persisted data (kms_key); absent:
    # Google-managed keys.
    kms_key: Field


@dataclass(frozen=True, kw_only=True)
class ValkeyInstance(Resource):
    """A Memorystore for Valkey instance (google_memorystore_instance): whether clients must
    use TLS."""

    MODEL = "gcp.redis.ValkeyInstance"

    # SERVER_AUTHENTICATION (TLS to the instance) or TRANSIT_ENCRYPTION_DISABLED (the
    # default: plaintext).
    transit_encryption_mode: Field
