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

import json
from collections.abc import Iterator
from typing import Any

import pytest

from linter.live.collectors import CollectContext
from linter.live.collectors.firehose import collect_firehose
from tests.live_server import MotoServer, StandIn, client, moto_server  # noqa: F401
from tests.test_live_scan import run_aws

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
def seeded(moto_server: MotoServer) -> dict[str, str]:  # noqa: F811
    moto_server.reset()
    return seed()


def _findings(document: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {(item["rule"], item["status"], item["resource"], item["attribute"])
            for item in document["findings"]}


def test_delivery_streams_feed_the_same_rules(seeded: dict[str, str]) -> None:
    result = run_aws("--regions", REGION, "--services", "firehose", "--format", "json",
                     rules=RULES)
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["problems"] == []
    assert _findings(document) == {
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
def denied_describe(seeded: dict[str, str], moto_server: MotoServer,  # noqa: F811
                    monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    proxy = StandIn(moto_server.url, deny_operations={"firehose:DescribeDeliveryStream"})
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    try:
        yield proxy
    finally:
        proxy.close()


def test_a_denied_describe_is_unknown_and_a_problem(denied_describe: StandIn) -> None:
    result = run_aws("--regions", REGION, "--services", "firehose", "--format", "json",
                     rules=("ENC-033",))
    assert result.exit_code == 2, result.stderr
    document = json.loads(result.stdout)
    assert {(item["rule"], item["status"], item["resource"])
            for item in document["findings"]} == {
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
