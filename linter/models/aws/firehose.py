"""Amazon Data Firehose (formerly Kinesis Data Firehose) delivery streams."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, FieldState, Resource, derived_switch
from linter.values import Branches

# The key type that names a key of the account's own; the other, AWS_OWNED_CMK (the
# default), is a Firehose service-account key the account cannot see, restrict or audit.
CUSTOMER_MANAGED = "CUSTOMER_MANAGED_CMK"


@dataclass(frozen=True, kw_only=True)
class DeliveryStream(Resource):
    """A Firehose delivery stream: whether it encrypts the records it holds, and the key."""

    MODEL = "aws.firehose.DeliveryStream"

    # Where records come from: DirectPut (producers call PutRecord; the default),
    # KinesisStreamAsSource, MSKAsSource or DatabaseAsSource. Firehose encrypts records
    # itself only for DirectPut: the other sources keep the records at rest themselves.
    delivery_stream_type: Field
    # True when Firehose encrypts the records it holds with a KMS key (server-side
    # encryption); false or absent: it does not (the default).
    server_side_encryption: Field
    # The customer-managed key (key type CUSTOMER_MANAGED_CMK); None when the key type is
    # AWS_OWNED_CMK, the default.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.server_side_encryption, lambda value: value is True)


def customer_key(key_type: Field, key_arn: Field) -> Field:
    """The key KEY-001 judges: the key ARN for CUSTOMER_MANAGED_CMK, else no key.

    With AWS_OWNED_CMK Firehose ignores any ARN and uses its own service-account key, so
    the finding points at the key type that chose it (or at the resource when the type
    is left to its default).
    """
    if key_type.state is FieldState.UNKNOWN:
        return key_type
    if isinstance(key_type.value, Branches):
        return Field(None, FieldState.UNKNOWN, key_type.attribute, key_type.line,
                     "the key type depends on a condition")
    if key_type.value == CUSTOMER_MANAGED:
        return key_arn
    return Field(None, key_type.state, key_type.attribute, key_type.line,
                 f"{key_type.value or 'AWS_OWNED_CMK'}: a Firehose service-account key")
