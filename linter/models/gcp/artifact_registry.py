"""Artifact Registry repositories."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Repository(Resource):
    """An Artifact Registry repository: whether a customer-managed key encrypts its contents."""

    MODEL = "gcp.artifact_registry.Repository"

    # The Cloud KMS key that encrypts the repository's contents (kms_key_name); absent:
    # Google-managed keys. Cannot be changed after the repository is created.
    kms_key: Field
