"""Amazon SQS queues."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, FieldState, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Queue(Resource):
    """An SQS queue: whether messages are encrypted at rest (SSE-KMS or SSE-SQS), and the key."""

    MODEL = "aws.sqs.Queue"

    # SSE-KMS key (ARN, id or alias such as alias/aws/sqs); absent means no SSE-KMS.
    kms_key: Field
    # SSE-SQS (SQS-owned keys): true/false; AWS applies it to new queues by default.
    sqs_managed_encryption: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        if self.kms_key.state is FieldState.ABSENT:
            return derived_switch(self.sqs_managed_encryption, lambda value: value is True)
        # An empty key branch (`cond ? key.arn : ""`) is SSE-SQS when that is on: still
        # encrypted, so KEY-001 judges the key and fails that branch.
        sse_sqs = self.sqs_managed_encryption.value is True
        return derived_switch(self.kms_key, lambda value: value is not None or sse_sqs)
