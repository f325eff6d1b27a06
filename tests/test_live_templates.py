"""`ephi-lint aws --templates DIR`: findings on CloudFormation-tagged resources point at
the template line that declared them (moto server), and the index's matching rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from linter.live.templates import LOGICAL_ID_TAG, STACK_NAME_TAG, load_templates
from tests.live_helpers import run_aws, through_stand_in
from tests.live_server import Call, MotoServer, Reply, client

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Queue:
    Type: AWS::SQS::Queue
  PatientDataVolume:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: us-east-1a
      Size: 8
  PatientPhotos:
    Type: AWS::S3::Bucket
"""


def _scan(*args: str, service: str = "ec2", rule: str = "ENC-002") -> Any:
    """`ephi-lint aws --services SERVICE ARGS` with the one rule `rule`."""
    return run_aws("--services", service, *args, rules=(rule,))


@pytest.fixture
def tagged_volume(moto_server: MotoServer, tmp_path: Path,
                  monkeypatch: pytest.MonkeyPatch) -> str:
    moto_server.reset()
    volume = client("ec2").create_volume(
        AvailabilityZone="us-east-1a", Size=8, TagSpecifications=[{
            "ResourceType": "volume", "Tags": [
                {"Key": LOGICAL_ID_TAG, "Value": "PatientDataVolume"},
                {"Key": STACK_NAME_TAG, "Value": "clinic"}]}])
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "clinic.yaml").write_text(TEMPLATE)
    monkeypatch.chdir(tmp_path)
    return f"arn:aws:ec2:us-east-1:123456789012:volume/{volume['VolumeId']}"


def test_finding_points_at_the_template_line(tagged_volume: str) -> None:
    result = _scan("--templates", "templates", "--format", "json")
    finding = [item for item in json.loads(result.stdout)["findings"]
               if item["rule"] == "ENC-002" and item["resource"] == tagged_volume]
    assert len(finding) == 1 and finding[0]["status"] == "fail"
    assert (finding[0]["file"], finding[0]["line"]) == ("templates/clinic.yaml", 5)


def test_sarif_physical_location_is_the_template(tagged_volume: str) -> None:
    result = _scan("--templates", "templates", "--format", "sarif")
    results = json.loads(result.stdout)["runs"][0]["results"]
    location = next(item["locations"][0] for item in results
                    if item["ruleId"] == "ENC-002"
                    and item["properties"]["resource"] == tagged_volume)
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "templates/clinic.yaml"
    assert location["physicalLocation"]["region"]["startLine"] == 5
    assert location["logicalLocations"][0]["fullyQualifiedName"] == tagged_volume


def test_without_templates_the_path_stays_virtual(tagged_volume: str) -> None:
    result = _scan("--format", "json")
    finding = next(item for item in json.loads(result.stdout)["findings"]
                   if item["resource"] == tagged_volume)
    assert finding["file"].startswith("aws/123456789012/us-east-1/ec2/")


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


def test_buckets_are_anchored_through_their_tag_set(
        tagged_volume: str, moto_server: MotoServer) -> None:
    # S3 returns tags only through GetBucketTagging, which the scan calls only with
    # --templates; an untagged bucket (NoSuchTagSet) keeps its virtual path.
    s3 = client("s3")
    s3.create_bucket(Bucket="patient-photos")
    s3.create_bucket(Bucket="untagged-photos")
    with through_stand_in(moto_server, hooks=[_stack_tags]):
        result = _scan("--templates", "templates", "--format", "json", service="s3",
                       rule="BAK-004")
        plain = _scan("--format", "json", service="s3", rule="BAK-004")
    document = json.loads(result.stdout)
    assert document["problems"] == []
    where = {item["resource"]: (item["file"], item["line"]) for item in document["findings"]}
    assert where == {
        "arn:aws:s3:::patient-photos": ("templates/clinic.yaml", 10),
        "arn:aws:s3:::untagged-photos": ("aws/123456789012/us-east-1/s3/untagged-photos", 1)}
    assert "s3:GetBucketTagging" in document["live"]["api_calls"]
    assert "s3:GetBucketTagging" not in json.loads(plain.stdout)["live"]["api_calls"]


def test_ambiguous_logical_id_needs_the_stack_name(tmp_path: Path) -> None:
    for stem in ("clinic", "billing"):
        (tmp_path / f"{stem}.yaml").write_text(TEMPLATE)
    index = load_templates(tmp_path, tmp_path)
    found = index.locate({LOGICAL_ID_TAG: "PatientDataVolume", STACK_NAME_TAG: "billing"})
    assert found is not None and (found.path, found.start_line) == ("billing.yaml", 5)
    assert index.locate({LOGICAL_ID_TAG: "PatientDataVolume", STACK_NAME_TAG: "other"}) is None
    assert index.locate({LOGICAL_ID_TAG: "Missing"}) is None


def test_a_template_comment_suppresses_the_anchored_live_finding(tagged_volume: str,
                                                                 tmp_path: Path) -> None:
    # The same exceptions as a file scan: an inline comment on the logical id's line in
    # the template covers the live resource anchored there.
    template = tmp_path / "templates" / "clinic.yaml"
    template.write_text(TEMPLATE.replace(
        "  PatientDataVolume:\n",
        "  PatientDataVolume:  # ephi-lint: ignore[ENC-002] scratch volume, no ePHI\n"))
    document = json.loads(_scan("--templates", "templates", "--format", "json").stdout)
    suppressed = [item for item in document["suppressed"] if item["resource"] == tagged_volume]
    assert [(item["rule"], item["file"], item["line"], item["suppression"]["source"])
            for item in suppressed] == [
        ("ENC-002", "templates/clinic.yaml", 5, "templates/clinic.yaml:5")]
    assert all(item["resource"] != tagged_volume for item in document["findings"])
