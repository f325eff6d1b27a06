"""EBS snapshots in live scans (BAK-005) against moto: the account's own snapshots only.

Seeded in us-west-2 through boto3: a snapshot of an encrypted volume, one of a plaintext
volume, and an encrypted copy of the plaintext one. moto copies a snapshot's encryption
from its volume and, for CopySnapshot, honours Encrypted / KmsKeyId like EC2.
"""

from __future__ import annotations

import pytest

from tests.live_helpers import run_aws, scan_json, through_stand_in
from tests.live_server import MotoServer, client

REGION = "us-west-2"
ACCOUNT = "123456789012"


def _arn(snapshot_id: str) -> str:
    # Snapshot ARNs name no account.
    return f"arn:aws:ec2:{REGION}::snapshot/{snapshot_id}"


@pytest.fixture(scope="module")
def seeded(moto_server: MotoServer) -> dict[str, str]:
    moto_server.reset()
    key = client("kms", REGION).create_key(Description="ePHI backup key")["KeyMetadata"]["Arn"]
    ec2 = client("ec2", REGION)
    zone = f"{REGION}a"
    encrypted = ec2.create_volume(AvailabilityZone=zone, Size=8, Encrypted=True,
                                  KmsKeyId=key)["VolumeId"]
    plain = ec2.create_volume(AvailabilityZone=zone, Size=8)["VolumeId"]
    snapshots = {
        "encrypted": ec2.create_snapshot(VolumeId=encrypted, Description="pacs nightly"),
        "plain": ec2.create_snapshot(VolumeId=plain, Description="scanner inbox weekly"),
    }
    ids = {name: snapshot["SnapshotId"] for name, snapshot in snapshots.items()}
    ids["copy"] = ec2.copy_snapshot(SourceSnapshotId=ids["plain"], SourceRegion=REGION,
                                    Encrypted=True, KmsKeyId=key)["SnapshotId"]
    return {**ids, "key": key}


def test_plaintext_snapshots_fail_and_encrypted_ones_pass(seeded: dict[str, str]) -> None:
    document = scan_json(REGION, services="ec2", rules=("BAK-005",))
    assert [(item["rule"], item["status"], item["resource"], item["attribute"])
            for item in document["findings"]] == [
        ("BAK-005", "fail", _arn(seeded["plain"]), "ec2:DescribeSnapshots Encrypted")]
    # The snapshot of the encrypted volume and the encrypted copy of the plaintext one.
    assert document["summary"]["passed"] == 2
    assert document["summary"]["resources"] == 3


def test_snapshots_are_read_only_when_a_rule_judges_them(
        seeded: dict[str, str], moto_server: MotoServer) -> None:
    with through_stand_in(moto_server) as proxy:
        result = run_aws("--regions", REGION, "--services", "ec2", "--format", "json",
                         rules=("ENC-002",))
    assert result.exit_code == 1, result.stderr  # the plaintext volume fails ENC-002
    assert [call.operation for call in proxy.calls if call.service == "ec2"] == [
        "DescribeVolumes"]


def test_denied_snapshot_listing_is_an_error_never_a_pass(
        seeded: dict[str, str], moto_server: MotoServer) -> None:
    with through_stand_in(moto_server, deny_operations=("ec2:DescribeSnapshots",)):
        document = scan_json(REGION, services="ec2", rules=("BAK-005",), exit_codes=(2,))
    assert document["findings"] == []
    assert document["summary"]["passed"] == 0
    assert [problem["reason"] for problem in document["problems"]] == [
        "not assessed: ec2:DescribeSnapshots was denied (UnauthorizedOperation); grant "
        "ec2:DescribeSnapshots (docs/iam-policy.json) or leave ec2 out with --services"]
