"""Amazon SNS topics."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Topic(Resource):
    """An SNS topic: whether its messages are encrypted at rest, and with which KMS key."""

    MODEL = "aws.sns.Topic"

    # The KMS key for server-side encryption; absent means messages are stored unencrypted.
    kms_key: Field
