"""Amazon S3 buckets, with the settings other resources attach to them."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Bucket(Resource):
    MODEL = "aws.s3.Bucket"

    # Default server-side encryption: AES256 (SSE-S3), aws:kms, aws:kms:dsse, or absent.
    encryption_algorithm: Field
    # The KMS key of the default encryption (a ResourceRef, an alias, a key ARN), if any.
    kms_key: Field
    # The bucket policy as a normalised document ({"Statement": [...]}) or absent.
    policy: Field
