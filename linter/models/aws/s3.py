"""Amazon S3 buckets, with the settings other resources attach to them."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Bucket(Resource):
    MODEL = "aws.s3.Bucket"

    # Default server-side encryption: AES256 (SSE-S3), aws:kms, aws:kms:dsse, or absent.
    encryption_algorithm: Field
    # The KMS key of the default encryption (a ResourceRef, an alias, a key ARN), if any.
    kms_key: Field
    # The bucket policy as a normalised document ({"Statement": [...]}) or absent.
    policy: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.encryption_algorithm, lambda value: value is not None)
