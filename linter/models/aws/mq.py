"""Amazon MQ brokers."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Broker(Resource):
    """An Amazon MQ broker: whose key encrypts its messages at rest, and whether it is public."""

    MODEL = "aws.mq.Broker"

    # ActiveMQ or RabbitMQ (RabbitMQ brokers always use an AWS-owned key).
    engine_type: Field
    # True (the default): messages at rest are encrypted with a key owned by AWS that the
    # practice can neither see nor audit; false: a KMS key in the account.
    use_aws_owned_key: Field
    # The KMS key when the AWS-owned key is not used; absent: the AWS-managed alias/aws/mq.
    kms_key: Field
    # True when the broker's endpoints resolve to public addresses outside its VPC.
    publicly_accessible: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether a KMS key in the account is used (KEY-001 judges which one)."""
        return derived_switch(self.use_aws_owned_key, lambda value: value is False)
