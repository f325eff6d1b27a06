"""The Firehose collector against moto: ENC-033 and KEY-001 on live delivery streams.

Seeded in us-west-2 through boto3. moto differences the seed accounts for:
- moto stores CreateDeliveryStream's encryption input without the Status AWS reports
  (ENABLED once the stream is active), so encrypted streams are seeded with
  StartDeliveryStreamEncryption, after which moto reports Status ENABLED as AWS does.
- moto leaves DeliveryStreamEncryptionConfiguration out for a stream never encrypted
  (AWS reports Status DISABLED): `hl7-plain` reads as not set, which fails ENC-033 the
  same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from linter.live.collectors import CollectContext
from linter.live.collectors.firehose import collect_firehose
from tests.live_helpers import findings, scan_json, through_stand_in
from tests.live_server import MotoServer, StandIn, client

REGION = "us-west-2"
ACCOUNT = "123456789012"
STREAM = f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/firehose"
RULES = ("ENC-033", "KEY-001")


def _destination(bucket: str) -> dict[str, Any]:
    return {"ExtendedS3DestinationConfiguration": {"RoleARN": ROLE,
                                                   "BucketARN": f"arn:aws:s3:::{bucket}"}}


def seed() -> dict[str, str]:
    key = client("kms", REGION).create_key(Description="ePHI key")["KeyMetadata"]["Arn"]
    firehose = client("firehose", REGION)
    for name in ("hl7-feed", "access-log", "hl7-plain"):
        firehose.create_delivery_stream(DeliveryStreamName=name, **_destination(name))
    firehose.start_delivery_stream_encryption(
        DeliveryStreamName="hl7-feed", DeliveryStreamEncryptionConfigurationInput={
            "KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": key})
    firehose.start_delivery_stream_encryption(
        DeliveryStreamName="access-log",
        DeliveryStreamEncryptionConfigurationInput={"KeyType": "AWS_OWNED_CMK"})
    # Reads a Kinesis data stream: Firehose cannot encrypt it, no rule judges it here.
    firehose.create_delivery_stream(
        DeliveryStreamName="vitals-archive", DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={
            "KinesisStreamARN": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/vitals",
            "RoleARN": ROLE},
        **_destination("vitals"))
    return {"key": key}


@pytest.fixture(scope="module")
def seeded(moto_server: MotoServer) -> dict[str, str]:
    moto_server.reset()
    return seed()


def test_delivery_streams_feed_the_same_rules(seeded: dict[str, str]) -> None:
    document = scan_json(REGION, services="firehose", rules=RULES)
    assert findings(document) == {
        ("ENC-033", "fail", f"{STREAM}/hl7-plain",
         "firehose:DescribeDeliveryStream DeliveryStreamEncryptionConfiguration.Status = "
         "ENABLED"),
        ("KEY-001", "fail", f"{STREAM}/access-log",
         "firehose:DescribeDeliveryStream DeliveryStreamEncryptionConfiguration.KeyType"),
    }
    # Passes: hl7-feed (ENC-033, KEY-001), access-log (ENC-033). vitals-archive is read
    # but reads a Kinesis stream: neither rule applies to it.
    assert document["summary"]["passed"] == 3
    assert document["summary"]["resources"] == 4


@pytest.fixture()
def denied_describe(seeded: dict[str, str],
                    moto_server: MotoServer) -> Iterator[StandIn]:
    with through_stand_in(moto_server,
                          deny_operations={"firehose:DescribeDeliveryStream"}) as proxy:
        yield proxy


def test_a_denied_describe_is_unknown_and_a_problem(denied_describe: StandIn) -> None:
    document = scan_json(REGION, services="firehose", rules=("ENC-033",), exit_codes=(2,))
    assert findings(document, attribute=False) == {
        ("ENC-033", "unknown", f"{STREAM}/{name}")
        for name in ("hl7-feed", "access-log", "hl7-plain", "vitals-archive")}
    assert len(document["problems"]) == 1
    assert "firehose:DescribeDeliveryStream" in document["problems"][0]["reason"]


def test_only_the_encryption_settings_are_kept(seeded: dict[str, str]) -> None:
    # A destination's description can carry credentials (a Splunk HEC token): the
    # collector keeps none of it.
    context = CollectContext(lambda name: client(name, REGION), ACCOUNT, REGION,
                             frozenset())
    records = {record.name: record for record in collect_firehose(context)}
    assert records["hl7-feed"].data == {"DescribeDeliveryStream": {
        "DeliveryStreamARN": f"{STREAM}/hl7-feed", "DeliveryStreamType": "DirectPut",
        "DeliveryStreamEncryptionConfiguration": {
            "KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": seeded["key"],
            "Status": "ENABLED"}}}
    assert records["hl7-feed"].arn == f"{STREAM}/hl7-feed"
