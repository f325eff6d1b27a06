"""Amazon MemoryDB clusters."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    """A MemoryDB cluster: whether clients must use TLS, and the key of its data at rest."""

    MODEL = "aws.memorydb.Cluster"

    # True (the default) when clients must connect with TLS; false allows plaintext Redis
    # protocol and forces the open-access ACL.
    tls_enabled: Field
    # The KMS key encrypting data at rest (always encrypted); absent: the AWS-managed key.
    kms_key: Field
