"""Amazon ECR repositories."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Repository(Resource):
    """An ECR repository: how its images are encrypted, and with which KMS key."""

    MODEL = "aws.ecr.Repository"

    # AES256 (S3-managed keys, the default), KMS or KMS_DSSE (a KMS key).
    encryption_type: Field
    # The KMS key for KMS encryption types; absent: the AWS-managed alias/aws/ecr key.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Images are always encrypted; KEY-001 judges the key when KMS is chosen."""
        return derived_switch(self.encryption_type,
                              lambda value: value in ("KMS", "KMS_DSSE"))
