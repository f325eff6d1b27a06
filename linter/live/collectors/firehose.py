"""Collector for Amazon Data Firehose delivery streams."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.live.collectors import ALL_FIELDS, CollectContext, Record, Service, arn, plain

# What the rules read of DescribeDeliveryStream. The destinations are dropped on
# purpose: a Splunk destination's description carries its HEC token.
_KEPT = ("DeliveryStreamARN", "DeliveryStreamType", "DeliveryStreamEncryptionConfiguration")


def collect_firehose(context: CollectContext) -> list[Record]:
    firehose = context.client_for("firehose")
    records = []
    for name in _stream_names(firehose):
        record = Record("firehose.delivery_stream", "firehose", name,
                        arn(context, "firehose", f"deliverystream/{name}"))
        # Limit=1: the one destination DescribeDeliveryStream must return is not read.
        if not context.describe(record, "firehose", "DescribeDeliveryStream",
                                firehose.describe_delivery_stream,
                                key="DeliveryStreamDescription", DeliveryStreamName=name,
                                Limit=1):
            continue  # deleted since it was listed
        description = record.data.get("DescribeDeliveryStream")
        if description is not None:
            record.data["DescribeDeliveryStream"] = {
                key: description[key] for key in _KEPT if key in description}
            record.arn = description.get("DeliveryStreamARN", record.arn)
        records.append(record)
    return records


def _stream_names(firehose: Any) -> Iterator[str]:
    """ListDeliveryStreams has no paginator: it pages by the last name it returned."""
    arguments: dict[str, Any] = {"Limit": 10000}
    while True:
        page = firehose.list_delivery_streams(**arguments)
        names = page.get("DeliveryStreamNames", [])
        yield from names
        if not page.get("HasMoreDeliveryStreams") or not names:
            return
        arguments["ExclusiveStartDeliveryStreamName"] = names[-1]


SERVICES = (
    Service("firehose", {"ListDeliveryStreams": ("aws.firehose.DeliveryStream", ALL_FIELDS)},
            plain(collect_firehose)),
)
