"""Amazon EKS clusters."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    """An EKS cluster: which Kubernetes resources are envelope-encrypted, and with which key."""

    MODEL = "aws.eks.Cluster"

    # Kubernetes resources envelope-encrypted with the KMS key: a list (["secrets"]) or absent.
    encrypted_resources: Field
    # The KMS key of the envelope encryption; absent means no customer key is configured.
    kms_key: Field
