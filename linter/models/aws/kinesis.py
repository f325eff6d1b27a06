"""Amazon Kinesis Data Streams."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Stream(Resource):
    """A Kinesis data stream: server-side encryption of its records, and the KMS key."""

    MODEL = "aws.kinesis.Stream"

    # Server-side encryption of records: KMS or NONE (the default).
    encryption_type: Field
    # The KMS key for encryption (alias/aws/kinesis is the AWS-managed one); absent if none.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.encryption_type, lambda value: value == "KMS")
