"""Cloud Storage buckets."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Bucket(Resource):
    """A Cloud Storage bucket: whether a customer-managed key encrypts its objects by default."""

    MODEL = "gcp.storage.Bucket"

    # The Cloud KMS key (CMEK) new objects are encrypted with by default; absent:
    # Google-managed encryption keys.
    kms_key: Field
