"""Amazon SQS queues."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Queue(Resource):
    MODEL = "aws.sqs.Queue"

    # SSE-KMS key (ARN, id or alias such as alias/aws/sqs); absent means no SSE-KMS.
    kms_key: Field
    # SSE-SQS (SQS-owned keys): true/false; AWS applies it to new queues by default.
    sqs_managed_encryption: Field
