"""S3 objects uploaded by the configuration (aws_s3_object, aws_s3_bucket_object)."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Object(Resource):
    """An S3 object the configuration uploads: the encryption and key it is uploaded with."""

    MODEL = "aws.s3_object.Object"

    # The encryption the upload asks for: AES256 (SSE-S3), aws:kms, aws:kms:dsse; absent:
    # the bucket's default encryption applies (judged on the bucket).
    server_side_encryption: Field
    # The KMS key of an aws:kms upload; absent: the AWS-managed alias/aws/s3 key
    # (PutObject: "If you specify aws:kms but do not provide a key ID, Amazon S3 uses the
    # AWS managed key").
    kms_key: Field
