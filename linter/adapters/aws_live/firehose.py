"""Amazon Data Firehose delivery streams."""

from __future__ import annotations

from linter.adapters.aws_live import BuildContext, api_field, complete, key_field, unknown
from linter.live.collectors import Record
from linter.models.aws.firehose import DeliveryStream, customer_key
from linter.models.base import Field, FieldState

_OPERATION = "DescribeDeliveryStream"
_ENCRYPTION = "DeliveryStreamEncryptionConfiguration"


def build_delivery_stream(record: Record, context: BuildContext) -> list[DeliveryStream]:
    return [complete(
        DeliveryStream, record, context, "AWS::KinesisFirehose::DeliveryStream",
        delivery_stream_type=api_field(record, _OPERATION, "DeliveryStreamType"),
        server_side_encryption=_encrypting(api_field(
            record, _OPERATION, f"{_ENCRYPTION}.Status",
            shown=f"{_ENCRYPTION}.Status = ENABLED")),
        kms_key=customer_key(
            api_field(record, _OPERATION, f"{_ENCRYPTION}.KeyType"),
            key_field(record, _OPERATION, f"{_ENCRYPTION}.KeyARN", context, DeliveryStream)))]


def _encrypting(status: Field) -> Field:
    """Whether the stream encrypts the records it receives now (only ENABLED does).

    Firehose API, StartDeliveryStreamEncryption: records written while the status is
    ENABLING are not encrypted, and ENABLING_FAILED leaves encryption off. After
    DISABLING_FAILED (a failed StopDeliveryStreamEncryption) the API does not say which
    state the stream is in.
    """
    if status.state is not FieldState.SET:
        return status
    if status.value == "DISABLING_FAILED":
        return unknown(status.attribute, "the last attempt to stop encryption failed "
                                         "(DISABLING_FAILED)")
    return Field(status.value == "ENABLED", FieldState.SET, status.attribute)


BUILDERS = {"firehose.delivery_stream": build_delivery_stream}
