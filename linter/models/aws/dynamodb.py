"""Amazon DynamoDB tables."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Table(Resource):
    MODEL = "aws.dynamodb.Table"

    # True: encrypted with a KMS key (aws/dynamodb or a customer key). False or absent:
    # encrypted with an AWS-owned key the account cannot see, restrict or audit.
    kms_encryption_enabled: Field
    # The customer-managed key when KMS encryption is on; absent: alias/aws/dynamodb.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.kms_encryption_enabled, lambda value: value is True)
