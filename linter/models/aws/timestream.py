"""Amazon Timestream for LiveAnalytics databases."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Database(Resource):
    """A Timestream database: the KMS key of its tables (always encrypted)."""

    MODEL = "aws.timestream.Database"

    # The KMS key for the database's tables; absent: the AWS-managed alias/aws/timestream
    # key (Timestream always encrypts at rest, so only the key is a choice).
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        return Field.derived(True, self.kms_key.attribute)
