"""Filestore instances."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Instance(Resource):
    """A Filestore instance: whether a customer-managed key encrypts its file shares."""

    MODEL = "gcp.filestore.Instance"

    # The Cloud KMS key that encrypts the instance's file shares (kms_key_name); absent:
    # Google-managed keys.
    kms_key: Field
