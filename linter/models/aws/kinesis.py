"""Amazon Kinesis Data Streams."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Stream(Resource):
    MODEL = "aws.kinesis.Stream"

    # Server-side encryption of records: KMS or NONE (the default).
    encryption_type: Field
    # The KMS key for encryption (alias/aws/kinesis is the AWS-managed one); absent if none.
    kms_key: Field
