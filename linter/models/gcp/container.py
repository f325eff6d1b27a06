"""Google Kubernetes Engine clusters."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    MODEL = "gcp.container.Cluster"

    # Application-layer encryption of Secrets in etcd: ENCRYPTED, or DECRYPTED (the
    # default: Secrets are plaintext at the etcd level, under disk encryption only).
    secrets_encryption: Field
    # The Cloud KMS key that encrypts Secrets when the state is ENCRYPTED.
    kms_key: Field
