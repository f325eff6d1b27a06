"""`ephi-lint aws` against a real moto server: exact findings, outputs, faults.

The account is seeded through boto3 with compliant and non-compliant S3 buckets, EBS
volumes, RDS instances and snapshots, KMS keys and CloudTrail trails in two regions.
Where moto differs from AWS the seed works around it, and the test says so:
- moto answers GetBucketEncryption with "not found" for a bucket without a
  configuration (AWS has applied SSE-S3 to every bucket since 2023): `clinic-legacy`
  stands for a pre-2023 bucket and fails ENC-001, as such a bucket would.
- moto invents a customer key (or "default_kms_key_id") for encrypted volumes and
  databases created without a key; the seed always names the key.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.live_helpers import findings, run_aws, scan_json, through_stand_in
from tests.live_server import MotoServer, client

ACCOUNT = "123456789012"
RULES = ("ENC-001", "ENC-002", "ENC-003", "KEY-001", "KEY-002", "BAK-001", "BAK-003",
         "LOG-001", "LOG-002", "INT-001", "PLN-005", "KEY-006")
TLS_ONLY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": ["arn:aws:s3:::{name}", "arn:aws:s3:::{name}/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def _bucket(name: str, region: str, algorithm: str | None = None, key: str | None = None,
            tls_only: bool = False) -> None:
    s3 = client("s3", region)
    configuration = {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, **configuration)
    if algorithm:
        default: dict[str, str] = {"SSEAlgorithm": algorithm}
        if key:
            default["KMSMasterKeyID"] = key
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": default}]})
    if tls_only:
        s3.put_bucket_policy(Bucket=name, Policy=TLS_ONLY.replace("{name}", name))


def seed() -> dict[str, str]:
    """Create the clinic's account; returns the generated ARNs by role."""
    kms = client("kms")
    phi_key = kms.create_key(Description="ePHI data key")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=phi_key["KeyId"])
    stale_key = kms.create_key(Description="forgotten key")["KeyMetadata"]
    aws_ebs_key = {alias["AliasName"]: alias.get("TargetKeyId")
                   for alias in kms.list_aliases()["Aliases"]}["alias/aws/ebs"]

    _bucket("clinic-photos", "us-east-1", "aws:kms", phi_key["Arn"], tls_only=True)
    _bucket("clinic-exports", "us-east-1", "AES256")
    _bucket("clinic-legacy", "us-east-1")
    _bucket("clinic-eu-archive", "eu-west-1", "aws:kms", tls_only=True)

    ec2 = client("ec2")
    volumes = {
        "volume_ok": ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=True,
                                       KmsKeyId=phi_key["Arn"]),
        "volume_plain": ec2.create_volume(AvailabilityZone="us-east-1a", Size=8),
        "volume_aws_key": ec2.create_volume(AvailabilityZone="us-east-1a", Size=8,
                                            Encrypted=True, KmsKeyId=aws_ebs_key),
    }

    rds = client("rds")
    common = {"Engine": "postgres", "DBInstanceClass": "db.t3.micro", "AllocatedStorage": 20,
              "MasterUsername": "clinic", "MasterUserPassword": "not-a-real-password"}
    rds.create_db_instance(DBInstanceIdentifier="ehr-primary", StorageEncrypted=True,
                           KmsKeyId=phi_key["Arn"], BackupRetentionPeriod=7, **common)
    rds.create_db_instance(DBInstanceIdentifier="ehr-reporting", StorageEncrypted=False,
                           BackupRetentionPeriod=0, **common)
    rds.create_db_snapshot(DBInstanceIdentifier="ehr-reporting",
                           DBSnapshotIdentifier="ehr-reporting-manual")
    rds.create_db_snapshot(DBInstanceIdentifier="ehr-primary",
                           DBSnapshotIdentifier="ehr-primary-manual")

    cloudtrail = client("cloudtrail")
    cloudtrail.create_trail(Name="audit-main", S3BucketName="clinic-photos",
                            IsMultiRegionTrail=True, EnableLogFileValidation=True,
                            KmsKeyId=phi_key["Arn"])
    cloudtrail.create_trail(Name="audit-dev", S3BucketName="clinic-photos")
    arns = {name: f"arn:aws:ec2:us-east-1:{ACCOUNT}:volume/{volume['VolumeId']}"
            for name, volume in volumes.items()}
    return {**arns, "phi_key": phi_key["Arn"], "stale_key": stale_key["Arn"]}


@pytest.fixture(scope="module")
def seeded(moto_server: MotoServer) -> dict[str, str]:
    moto_server.reset()
    return seed()


def expected_failures(arns: dict[str, str], *, eu: bool = True) -> set[tuple[str, str, str]]:
    trail = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/audit-dev"
    rds = f"arn:aws:rds:us-east-1:{ACCOUNT}"
    expected = {
        ("ENC-001", "fail", "arn:aws:s3:::clinic-legacy"),
        ("PLN-005", "fail", "arn:aws:s3:::clinic-legacy"),
        ("KEY-001", "fail", "arn:aws:s3:::clinic-exports"),
        ("PLN-005", "fail", "arn:aws:s3:::clinic-exports"),
        ("ENC-002", "fail", arns["volume_plain"]),
        ("KEY-001", "fail", arns["volume_aws_key"]),
        ("ENC-003", "fail", f"{rds}:db:ehr-reporting"),
        ("BAK-003", "fail", f"{rds}:db:ehr-reporting"),
        ("BAK-001", "fail", f"{rds}:snapshot:ehr-reporting-manual"),
        ("KEY-002", "fail", arns["stale_key"]),
        ("LOG-001", "fail", trail),
        ("LOG-002", "fail", trail),
        ("INT-001", "fail", trail),
        # audit-main's key is the ePHI key of clinic-photos, ehr-primary and volume_ok.
        ("KEY-006", "fail", f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/audit-main"),
    }
    if eu:
        expected.add(("KEY-001", "fail", "arn:aws:s3:::clinic-eu-archive"))
    return expected


def test_two_region_scan_reports_exactly_the_seeded_mistakes(
        seeded: dict[str, str], moto_server: MotoServer) -> None:
    from tests.test_live_elasticache import serverless_caches

    # moto has no ElastiCache Serverless API: the stand-in answers that there is none.
    with through_stand_in(moto_server, hooks=[serverless_caches({})]):
        result = run_aws("--regions", "us-east-1,eu-west-1", "--format", "json", rules=RULES)
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    assert findings(document, attribute=False) == expected_failures(seeded)
    assert document["problems"] == []
    by_key = {(item["rule"], item["resource"]): item for item in document["findings"]}
    volume = by_key[("KEY-001", seeded["volume_aws_key"])]
    assert volume["message"].endswith("alias/aws/ebs is an AWS-managed key")
    assert volume["attribute"] == "ec2:DescribeVolumes KmsKeyId"
    assert volume["file"] == (f"aws/{ACCOUNT}/us-east-1/ec2/"
                              f"{seeded['volume_aws_key'].rsplit('/', 1)[1]}")
    assert volume["line"] == 1 and volume["format"] == "aws"
    shared = by_key[("KEY-006", f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/audit-main")]
    assert shared["message"].endswith(
        f'the trail key "{seeded["phi_key"]}" also encrypts {seeded["volume_ok"]} '
        "(and 2 more), so one key compromise exposes both")
    legacy = by_key[("ENC-001", "arn:aws:s3:::clinic-legacy")]
    assert legacy["attribute"] == ("s3:GetBucketEncryption ServerSideEncryptionConfiguration"
                                   ".Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm")
    # 4 buckets, 3 volumes, 2 instances, 2 snapshots, 2 customer keys, 2 trails (the
    # multi-Region trail is judged once, in its home Region), and in each Region the
    # built-in Athena workgroup `primary` and the Glue Data Catalog settings (KEY-001
    # judges both; this seed gives them nothing to judge). The default security group
    # is not read because no selected rule judges security groups.
    assert document["summary"]["resources"] == 19
    # Passes: photos ENC-001/KEY-001/PLN-005, exports ENC-001, eu-archive ENC-001/PLN-005,
    # volume_ok ENC-002/KEY-001, volume_aws_key ENC-002, ehr-primary ENC-003/BAK-003/
    # KEY-001, ehr-primary-manual BAK-001, phi key KEY-002, audit-main LOG-001/LOG-002/
    # INT-001: every resource the rules apply to is judged, none silently skipped.
    assert document["summary"]["passed"] == 17
    lines = result.stderr.splitlines()
    assert f"ephi-lint: aws/{ACCOUNT}/eu-west-1/s3: 1 resource read" in "\n".join(lines)


def test_sarif_results_carry_the_virtual_path_and_the_arn(seeded: dict[str, str],
                                                          sarif_schema: dict) -> None:
    import jsonschema

    result = run_aws("--regions", "us-east-1", "--services", "rds", "--format", "sarif",
                     rules=RULES)
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    jsonschema.validate(document, sarif_schema)
    locations = {(item["ruleId"], item["locations"][0]["physicalLocation"]["artifactLocation"]
                  ["uri"], item["locations"][0]["logicalLocations"][0]["fullyQualifiedName"])
                 for item in document["runs"][0]["results"]}
    rds = f"arn:aws:rds:us-east-1:{ACCOUNT}"
    assert locations == {
        ("ENC-003", f"aws/{ACCOUNT}/us-east-1/rds/ehr-reporting", f"{rds}:db:ehr-reporting"),
        ("BAK-003", f"aws/{ACCOUNT}/us-east-1/rds/ehr-reporting", f"{rds}:db:ehr-reporting"),
        ("BAK-001", f"aws/{ACCOUNT}/us-east-1/rds/ehr-reporting-manual",
         f"{rds}:snapshot:ehr-reporting-manual"),
    }
    assert document["runs"][0]["automationDetails"]["id"] == "ephi-lint-aws/"


def test_only_the_calls_the_selected_rules_need(seeded: dict[str, str]) -> None:
    from linter.engine import catalogue_directory, load_rules
    from linter.live.scan import LiveScanRequest, run_live_scan

    rules = [rule for rule in load_rules([catalogue_directory("rules")])
             if rule.id == "ENC-001"]
    result = run_live_scan(LiveScanRequest(rules=rules, regions=["us-east-1"]))
    # ENC-001 judges bucket encryption only: no bucket policy, no other service.
    assert result.api_calls == {"sts:GetCallerIdentity": 1, "s3:ListBuckets": 1,
                                "s3:GetBucketEncryption": 3}
    assert {(outcome.rule.id, outcome.status.value, outcome.resource.address)
            for outcome in result.outcomes if outcome.status.value != "pass"} == {
        ("ENC-001", "fail", "arn:aws:s3:::clinic-legacy")}


def test_access_denied_on_one_service_is_an_error_and_the_rest_is_reported(
        seeded: dict[str, str], moto_server: MotoServer) -> None:
    # The stand-in answers every RDS call with AccessDenied (moto cannot deny).
    with through_stand_in(moto_server, deny=frozenset({"rds"})) as proxy:
        document = scan_json("us-east-1", services="s3,rds", rules=RULES, exit_codes=(2,))
    assert document["problems"] == [{
        "file": f"aws/{ACCOUNT}/us-east-1/rds", "level": "error",
        "reason": "not assessed: rds:DescribeDBInstances was denied (AccessDenied); grant "
                  "rds:DescribeDBInstances (docs/iam-policy.json) or leave rds out with "
                  "--services"}]
    assert findings(document, attribute=False) == {
        ("ENC-001", "fail", "arn:aws:s3:::clinic-legacy"),
        ("PLN-005", "fail", "arn:aws:s3:::clinic-legacy"),
        ("KEY-001", "fail", "arn:aws:s3:::clinic-exports"),
        ("PLN-005", "fail", "arn:aws:s3:::clinic-exports")}
    assert document["summary"]["errors"] == 1
    assert proxy.injected == {"rds:AccessDenied": 1}
    # The JSON record says what was and was not assessed, for the auditor's file.
    services = {(item["service"], item["status"], item["resources"])
                for item in document["live"]["services"]}
    assert services == {("rds", "not assessed", 0), ("s3", "read", 3)}  # 3 seeded buckets
    assert document["live"]["accounts"] == [ACCOUNT]
    assert document["live"]["regions"] == ["us-east-1"]
    assert document["live"]["api_calls"]["rds:DescribeDBInstances"] == 1


def _scan_s3() -> Any:
    from linter.engine import catalogue_directory, load_rules
    from linter.live.scan import LiveScanRequest, run_live_scan

    rules = [rule for rule in load_rules([catalogue_directory("rules")])
             if rule.id in ("ENC-001", "KEY-001")]
    return run_live_scan(LiveScanRequest(rules=rules, regions=["us-east-1"], services=["s3"]))


def _failures(result: Any) -> set[tuple[str, str]]:
    return {(outcome.rule.id, outcome.resource.address) for outcome in result.outcomes
            if outcome.status.value == "fail"}


def test_throttled_calls_are_retried_not_lost(
        seeded: dict[str, str], moto_server: MotoServer) -> None:
    # The first three requests (all GetCallerIdentity attempts) are throttled; each retry
    # backs off exponentially, so more would only slow the test down.
    with through_stand_in(moto_server, throttle_first=3) as proxy:
        result = _scan_s3()
    assert result.problems == []
    assert _failures(result) == {("ENC-001", "arn:aws:s3:::clinic-legacy"),
                                 ("KEY-001", "arn:aws:s3:::clinic-exports")}
    assert proxy.injected == {"sts:Throttling": 3}
    assert result.retries == 3
    # KEY-001 needs to know who manages the photo bucket's key: the region's key list.
    assert result.api_calls == {"sts:GetCallerIdentity": 1, "s3:ListBuckets": 1,
                                "s3:GetBucketEncryption": 3, "kms:ListAliases": 1,
                                "kms:ListKeys": 1, "kms:DescribeKey": 2}


def test_a_dropped_connection_is_retried(
        seeded: dict[str, str], moto_server: MotoServer) -> None:
    with through_stand_in(moto_server, drop_first=2) as proxy:
        result = _scan_s3()
    assert result.problems == []
    assert _failures(result) == {("ENC-001", "arn:aws:s3:::clinic-legacy"),
                                 ("KEY-001", "arn:aws:s3:::clinic-exports")}
    assert proxy.injected == {"sts:dropped": 2}
    assert result.retries == 2


def test_a_denied_per_resource_call_is_unknown_and_an_error_never_a_pass(
        seeded: dict[str, str], moto_server: MotoServer) -> None:
    # The stand-in denies only s3:GetBucketPolicy, a REST call matched on its request
    # (GET /bucket?policy); the bucket list and encryption reads go through.
    with through_stand_in(moto_server, deny_request=lambda call: call.service == "s3"
                          and call.method == "GET" and call.path.endswith("?policy")) as proxy:
        document = scan_json("us-east-1", services="s3", rules=("ENC-001", "PLN-005"),
                             exit_codes=(2,))
    assert document["problems"] == [{
        "file": f"aws/{ACCOUNT}/us-east-1/s3", "level": "error",
        "reason": "partly assessed: s3:GetBucketPolicy was denied (AccessDenied) for "
                  "clinic-exports, clinic-legacy, clinic-photos; the settings it reads are "
                  "unknown; grant s3:GetBucketPolicy"}]
    assert findings(document, attribute=False) == {
        ("ENC-001", "fail", "arn:aws:s3:::clinic-legacy"),
        ("PLN-005", "unknown", "arn:aws:s3:::clinic-legacy"),
        ("PLN-005", "unknown", "arn:aws:s3:::clinic-exports"),
        ("PLN-005", "unknown", "arn:aws:s3:::clinic-photos")}
    assert proxy.injected == {"s3:AccessDenied": 3}


def test_all_regions_are_the_enabled_regions(seeded: dict[str, str]) -> None:
    from linter.engine import catalogue_directory, load_rules
    from linter.live.scan import LiveScanRequest, run_live_scan

    enabled = sorted(region["RegionName"]
                     for region in client("ec2").describe_regions()["Regions"])
    rules = [rule for rule in load_rules([catalogue_directory("rules")])
             if rule.id == "ENC-001"]
    result = run_live_scan(LiveScanRequest(rules=rules, regions=["all"], services=["s3"],
                                           max_workers=16))
    assert result.regions == enabled and {"us-east-1", "eu-west-1"} <= set(enabled)
    assert [(unit.region, unit.problem) for unit in result.units] == [
        (region, "") for region in enabled]
    assert _failures(result) == {("ENC-001", "arn:aws:s3:::clinic-legacy")}
    assert result.api_calls["s3:ListBuckets"] == len(enabled)
    assert result.api_calls["ec2:DescribeRegions"] == 1


def test_a_service_is_not_asked_where_aws_does_not_offer_it(seeded: dict[str, str]) -> None:
    # botocore's endpoint data lists Timestream in a few Regions only (eu-south-2 is not
    # one): asking there could only fail after minutes of connection retries, so the
    # scan skips it, says so, and it is no error.
    import boto3

    assert "eu-south-2" not in boto3.Session().get_available_regions("timestream-write")
    result = run_aws("--regions", "us-east-1,eu-south-2", "--services", "timestream",
                     "--format", "json", rules=("ENC-031",))
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["problems"] == []
    assert [(item["region"], item["status"], item.get("reason"))
            for item in document["live"]["services"]] == [
        ("eu-south-2", "not offered", "timestream is not offered in eu-south-2"),
        ("us-east-1", "read", None)]
    assert document["live"]["api_calls"] == {"sts:GetCallerIdentity": 1,
                                             "timestream-write:ListDatabases": 1}
    assert "not offered in every Region, so not read there: timestream in 1 of them" in (
        result.stderr)
