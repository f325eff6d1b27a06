"""Drift against the moto server: a seeded account, a CloudFormation template and a
Terraform state that differ from it give the exact DRF-001..DRF-004 findings, each at the
declaring line and naming the live ARN; and the state parser's own cases."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from linter.live.templates import LOGICAL_ID_TAG, STACK_NAME_TAG
from linter.parsers.tfstate import StateError, parse_state
from tests.live_helpers import run_aws, through_stand_in
from tests.live_server import Call, MotoServer, Reply, client

ACCOUNT = "123456789012"
KEY_A = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
DRIFT_RULES = ("DRF-001", "DRF-002", "DRF-003", "DRF-004")

TEMPLATE = f"""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  PatientDataVolume:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: us-east-1a
      Size: 8
      Encrypted: true
  PatientPhotos:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: {KEY_A}
  PatientPhotosPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref PatientPhotos
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: "s3:*"
            Resource: ["arn:aws:s3:::patient-photos", "arn:aws:s3:::patient-photos/*"]
            Condition:
              Bool:
                aws:SecureTransport: false
"""

_STACK_TAG_SET = (
    '<?xml version="1.0" encoding="UTF-8"?><Tagging><TagSet>'
    f'<Tag><Key>{LOGICAL_ID_TAG}</Key><Value>PatientPhotos</Value></Tag>'
    f'<Tag><Key>{STACK_NAME_TAG}</Key><Value>clinic</Value></Tag></TagSet></Tagging>')


def _stack_tags(call: Call, forward: Callable[[], Reply]) -> Reply | None:
    # moto (like S3) refuses aws: tags from PutBucketTagging, which only CloudFormation may
    # set: s3:GetBucketTagging of patient-photos answers as S3 does for its stack's bucket.
    if call.service == "s3" and call.method == "GET" and call.path.startswith(
            "/patient-photos?tagging"):
        return Reply(200, {"Content-Type": "application/xml"}, _STACK_TAG_SET.encode())
    return None


@pytest.fixture
def seeded(moto_server: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> dict[str, str]:
    """A volume declared encrypted but not, a bucket declared with key A and a TLS-only
    policy but running with neither, a bucket no template declares, and a database a
    Terraform state declares with key A, running with key B."""
    moto_server.reset()
    volume = client("ec2").create_volume(
        AvailabilityZone="us-east-1a", Size=8, Encrypted=False, TagSpecifications=[{
            "ResourceType": "volume", "Tags": [
                {"Key": LOGICAL_ID_TAG, "Value": "PatientDataVolume"},
                {"Key": STACK_NAME_TAG, "Value": "clinic"}]}])
    s3 = client("s3")
    s3.create_bucket(Bucket="patient-photos")
    s3.create_bucket(Bucket="research-exports")
    key_b = client("kms").create_key(Description="another team's key")["KeyMetadata"]["Arn"]
    client("rds").create_db_instance(
        DBInstanceIdentifier="clinic-db", DBInstanceClass="db.t3.micro", Engine="postgres",
        MasterUsername="clinic", MasterUserPassword="not-a-secret-1", AllocatedStorage=20,
        StorageEncrypted=True, KmsKeyId=key_b)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "clinic.yaml").write_text(TEMPLATE)
    monkeypatch.chdir(tmp_path)
    return {"volume": f"arn:aws:ec2:us-east-1:{ACCOUNT}:volume/{volume['VolumeId']}",
            "photos": "arn:aws:s3:::patient-photos",
            "exports": "arn:aws:s3:::research-exports",
            "database": f"arn:aws:rds:us-east-1:{ACCOUNT}:db:clinic-db",
            "key_b": key_b.rsplit("/", 1)[1]}


def _drift(*args: str) -> dict[str, Any]:
    result = run_aws("--regions", "us-east-1", "--format", "json", *args, rules=DRIFT_RULES)
    assert result.exit_code == 1, result.stderr + result.stdout
    document: dict[str, Any] = json.loads(result.stdout)
    assert document["problems"] == []
    return document


def _where(document: dict[str, Any]) -> set[tuple[str, str, str, int | None, str]]:
    return {(item["rule"], item["status"], item["resource"],
             item["line"] if item["live"]["declared"] else None,
             item["file"] if item["live"]["declared"] else "(live)")
            for item in document["findings"]}


def test_templates_give_drift_and_unmanaged_findings(seeded: dict[str, str],
                                                     moto_server: MotoServer) -> None:
    with through_stand_in(moto_server, hooks=[_stack_tags]):
        document = _drift("--services", "s3,ec2", "--templates", "templates")
    template = "templates/clinic.yaml"
    assert _where(document) == {
        # Declared `Encrypted: true` (line 8), running unencrypted.
        ("DRF-001", "fail", seeded["volume"], 8, template),
        # The bucket declares SSE-KMS (line 15) with key A (line 16); moto's new bucket
        # has no default encryption configuration at all, so both differ.
        ("DRF-001", "fail", seeded["photos"], 15, template),
        ("DRF-003", "fail", seeded["photos"], 16, template),
        # The TLS-only policy (its PolicyDocument, line 21) is missing on the live bucket.
        ("DRF-002", "fail", seeded["photos"], 21, template),
        # No template declares research-exports: at its live place, no line.
        ("DRF-004", "fail", seeded["exports"], None, "(live)"),
    }
    by_rule = {(item["rule"], item["resource"]): item for item in document["findings"]}
    assert by_rule[("DRF-001", seeded["volume"])]["message"].endswith(
        'is "declared encrypted, live not encrypted"')
    assert by_rule[("DRF-003", seeded["photos"])]["message"].endswith(
        "KMSMasterKeyID = key/11111111-2222-3333-4444-555555555555 vs live "
        "s3:GetBucketEncryption ServerSideEncryptionConfiguration.Rules[0]"
        '.ApplyServerSideEncryptionByDefault.KMSMasterKeyID` is "no customer-managed key"')
    unmanaged = by_rule[("DRF-004", seeded["exports"])]
    assert unmanaged["file"] == f"aws/{ACCOUNT}/us-east-1/s3/research-exports"
    assert unmanaged["live"] == {"account": ACCOUNT, "region": "us-east-1",
                                          "arn": seeded["exports"], "declared": False}
    # Only the DRF rules report, though the scan read with the store rules too.
    assert {item["rule"] for item in document["findings"]} <= set(DRIFT_RULES)


def _state(tmp_path: Path) -> Path:
    """A v4 state declaring the database with key A and research-exports encrypted."""
    state = {
        "version": 4, "terraform_version": "1.6.0", "serial": 1, "lineage": "l",
        "outputs": {},
        "resources": [
            {"mode": "managed", "type": "aws_db_instance", "name": "clinic",
             "module": "module.data",
             "instances": [{"attributes": {
                 "arn": f"arn:aws:rds:us-east-1:{ACCOUNT}:db:clinic-db",
                 "identifier": "clinic-db", "id": "db-CLINIC", "engine": "postgres",
                 "storage_encrypted": True, "kms_key_id": KEY_A,
                 "password": "a-state-secret"},
                 "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]]}]},
            {"mode": "managed", "type": "aws_s3_bucket", "name": "exports",
             "instances": [{"attributes": {"arn": "arn:aws:s3:::research-exports",
                                           "bucket": "research-exports",
                                           "id": "research-exports"}}]},
        ]}
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(state, indent=2))
    return path


def test_a_one_line_state_matches_by_terraform_address(seeded: dict[str, str],
                                                       tmp_path: Path) -> None:
    # `terraform show -json` writes one line: every instance is at line 1, so instances
    # are told apart by their Terraform address, not their line.
    state = _state(tmp_path)
    state.write_text(json.dumps(json.loads(state.read_text())))
    document = _drift("--services", "s3,rds", "--terraform-state", state.name)
    assert _where(document) == {
        ("DRF-003", "fail", seeded["database"], 1, "terraform.tfstate"),
        ("DRF-004", "fail", seeded["photos"], None, "(live)"),
    }


def test_terraform_state_gives_key_drift_and_unmanaged(seeded: dict[str, str],
                                                       tmp_path: Path) -> None:
    state = _state(tmp_path)
    document = _drift("--services", "s3,rds", "--terraform-state", state.name)
    text = state.read_text().splitlines()
    key_line = next(number for number, line in enumerate(text, 1) if '"kms_key_id"' in line)
    assert _where(document) == {
        ("DRF-003", "fail", seeded["database"], key_line, "terraform.tfstate"),
        ("DRF-004", "fail", seeded["photos"], None, "(live)"),
    }
    message = next(item["message"] for item in document["findings"] if item["rule"] == "DRF-003")
    assert message.endswith("`module.data.aws_db_instance.clinic: kms_key_id = "
                            "key/11111111-2222-3333-4444-555555555555 vs live "
                            f'rds:DescribeDBInstances KmsKeyId` is "key/{seeded["key_b"]}"')
    assert "a-state-secret" not in json.dumps(document)


def test_drift_rules_need_a_declaration(seeded: dict[str, str]) -> None:
    result = run_aws("--regions", "us-east-1", "--services", "s3", rules=DRIFT_RULES)
    assert result.exit_code == 2
    assert "give --templates DIR or --terraform-state FILE" in result.stderr


def test_a_state_that_is_not_one_is_a_clear_error(seeded: dict[str, str],
                                                  tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"format_version": "1.2", "planned_values": {}}')
    result = run_aws("--regions", "us-east-1", "--services", "s3", "--terraform-state",
                     str(plan), rules=DRIFT_RULES)
    assert result.exit_code == 2
    assert "this is a Terraform plan, not a state" in result.stderr


def test_shown_state_is_read_like_the_raw_state() -> None:
    shown = {"format_version": "1.0", "terraform_version": "1.6.0", "values": {"root_module": {
        "resources": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket",
                       "name": "b", "values": {"arn": "arn:aws:s3:::b", "bucket": "b",
                                               "id": "b", "secret_string": "x"},
                       "sensitive_values": {}}],
        "child_modules": [{"address": "module.m", "resources": [
            {"address": "module.m.aws_ebs_volume.v", "mode": "managed",
             "type": "aws_ebs_volume", "name": "v",
             "values": {"arn": "arn:aws:ec2:us-east-1:1:volume/vol-1", "id": "vol-1"}}]}]}}}
    state = parse_state(json.dumps(shown, indent=1), "show.json")
    assert [(item.address, item.identities.get("arn")) for item in state.instances] == [
        ("aws_s3_bucket.b", "arn:aws:s3:::b"),
        ("module.m.aws_ebs_volume.v", "arn:aws:ec2:us-east-1:1:volume/vol-1")]


@pytest.mark.parametrize(("text", "reason"), [
    ("not json", "not JSON"),
    ("[1, 2]", "a Terraform state is one JSON object"),
    ('{"version": 3, "resources": []}', "state format version 3 is not supported"),
    ('{"hello": 1}', "not a Terraform state"),
])
def test_state_errors(text: str, reason: str) -> None:
    with pytest.raises(StateError, match=reason):
        parse_state(text, "x.tfstate")
