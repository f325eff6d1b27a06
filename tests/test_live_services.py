"""Every other live collector against moto: one compliant and one non-compliant resource each.

Seeded in us-west-2 through boto3. moto differences the seed and the expectations
account for, each named where it matters:
- moto leaves EncryptionKeyArn out of ListBackupVaults for a vault created without a
  key (AWS names its aws/backup key): `vault-default` reads as having no key.
- moto reports a Redis replication group without TransitEncryptionMode; AWS omits it
  too for groups created before the mode existed.
"""

from __future__ import annotations

import json

import pytest

from tests.live_helpers import findings, run_aws, scan_json, through_stand_in
from tests.live_server import MotoServer, client
from tests.test_live_elasticache import serverless_caches

REGION = "us-west-2"
ARN = f"{REGION}:123456789012"
RULES = ("ENC-005", "ENC-006", "ENC-007", "ENC-008", "ENC-009", "ENC-010", "ENC-011",
         "ENC-012", "ENC-013", "BAK-002", "PLN-003", "PLN-008", "PLN-009", "TLS-005",
         "KEY-001", "PLN-001", "TLS-001", "TLS-006", "PLN-007")


def seed() -> dict[str, str]:
    key = client("kms", REGION).create_key(Description="ePHI key")["KeyMetadata"]["Arn"]
    dynamodb = client("dynamodb", REGION)
    schema = {"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
              "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
              "BillingMode": "PAY_PER_REQUEST"}
    dynamodb.create_table(TableName="visits", SSESpecification={
        "Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key}, **schema)
    dynamodb.create_table(TableName="visits-owned-key", **schema)
    efs = client("efs", REGION)
    efs.create_file_system(CreationToken="scans", Encrypted=True, KmsKeyId=key,
                           Tags=[{"Key": "Name", "Value": "scans"}])
    scratch = efs.create_file_system(CreationToken="scratch")["FileSystemArn"]
    sqs = client("sqs", REGION)
    sqs.create_queue(QueueName="referrals", Attributes={"KmsMasterKeyId": key})
    sqs.create_queue(QueueName="referrals-plain", Attributes={"SqsManagedSseEnabled": "false"})
    sns = client("sns", REGION)
    sns.create_topic(Name="results", Attributes={"KmsMasterKeyId": key})
    sns.create_topic(Name="results-plain")
    kinesis = client("kinesis", REGION)
    kinesis.create_stream(StreamName="vitals", ShardCount=1)
    kinesis.start_stream_encryption(StreamName="vitals", EncryptionType="KMS", KeyId=key)
    kinesis.create_stream(StreamName="vitals-plain", ShardCount=1)
    logs = client("logs", REGION)
    logs.create_log_group(logGroupName="/clinic/portal", kmsKeyId=key)
    logs.create_log_group(logGroupName="/clinic/debug")
    redshift = client("redshift", REGION)
    for name, encrypted in (("warehouse", True), ("warehouse-plain", False)):
        extra = {"Encrypted": True, "KmsKeyId": key} if encrypted else {}
        redshift.create_cluster(ClusterIdentifier=name, NodeType="dc2.large",
                                MasterUsername="clinic", MasterUserPassword="NotReal123",
                                **extra)
    backup = client("backup", REGION)
    backup.create_backup_vault(BackupVaultName="vault-cmk", EncryptionKeyArn=key)
    backup.create_backup_vault(BackupVaultName="vault-default")
    opensearch = client("opensearch", REGION)
    opensearch.create_domain(
        DomainName="search", EncryptionAtRestOptions={"Enabled": True, "KmsKeyId": key},
        NodeToNodeEncryptionOptions={"Enabled": True},
        DomainEndpointOptions={"EnforceHTTPS": True,
                               "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"})
    opensearch.create_domain(DomainName="search-plain")
    elasticache = client("elasticache", REGION)
    elasticache.create_replication_group(
        ReplicationGroupId="sessions", ReplicationGroupDescription="portal sessions",
        Engine="redis", AtRestEncryptionEnabled=True, TransitEncryptionEnabled=True,
        KmsKeyId=key)
    elasticache.create_replication_group(
        ReplicationGroupId="sessions-plain", ReplicationGroupDescription="plain",
        Engine="redis")
    return {"key": key, "scratch": scratch, **_seed_load_balancers()}


def _seed_load_balancers() -> dict[str, str]:
    ec2, elbv2 = client("ec2", REGION), client("elbv2", REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{index}.0/24",
                                 AvailabilityZone=f"{REGION}{zone}")["Subnet"]["SubnetId"]
               for index, zone in ((1, "a"), (2, "b"))]
    group = elbv2.create_target_group(Name="portal-app", Protocol="HTTP", Port=8080,
                                      VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    certificate = client("acm", REGION).request_certificate(
        DomainName="portal.example.org")["CertificateArn"]
    redirect = [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443",
                                                        "StatusCode": "HTTP_301"}}]
    forward = [{"Type": "forward", "TargetGroupArn": group}]
    arns = {}
    for name, port in (("telnet-open", 23), ("https-open", 443)):
        group_id = ec2.create_security_group(GroupName=name, Description=name,
                                             VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        arns[name] = f"arn:aws:ec2:{ARN}:security-group/{group_id}"
    for name, policy in (("portal", "ELBSecurityPolicy-2016-08"),
                         ("portal-ok", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06")):
        balancer = elbv2.create_load_balancer(Name=name, Subnets=subnets)[
            "LoadBalancers"][0]["LoadBalancerArn"]
        http = elbv2.create_listener(LoadBalancerArn=balancer, Protocol="HTTP", Port=80,
                                     DefaultActions=redirect)["Listeners"][0]["ListenerArn"]
        https = elbv2.create_listener(
            LoadBalancerArn=balancer, Protocol="HTTPS", Port=443, SslPolicy=policy,
            Certificates=[{"CertificateArn": certificate}],
            DefaultActions=forward)["Listeners"][0]["ListenerArn"]
        arns[f"{name}-http"], arns[f"{name}-https"] = http, https
    # The weak portal's HTTP listener forwards /api/* before its redirect runs.
    arns["api-rule"] = elbv2.create_rule(
        ListenerArn=arns["portal-http"], Priority=10, Actions=forward,
        Conditions=[{"Field": "path-pattern", "Values": ["/api/*"]}])["Rules"][0]["RuleArn"]
    return arns


@pytest.fixture(scope="module")
def seeded(moto_server: MotoServer) -> dict[str, str]:
    moto_server.reset()
    return seed()


def test_the_collectors_feed_the_same_rules(
        seeded: dict[str, str], moto_server: MotoServer) -> None:
    # moto has no ElastiCache Serverless API: the stand-in answers that there is none.
    services = "dynamodb,efs,sqs,sns,kinesis,logs,redshift,backup,opensearch,elasticache,elbv2,ec2"
    with through_stand_in(moto_server, hooks=[serverless_caches({})]):
        document = scan_json(REGION, services=services, rules=RULES)
    search, cache = f"arn:aws:es:{ARN}:domain/search-plain", (
        f"arn:aws:elasticache:{ARN}:replicationgroup:sessions-plain")
    assert findings(document) == {
        ("BAK-002", "fail", f"arn:aws:backup:{ARN}:backup-vault:vault-default",
         "backup:ListBackupVaults EncryptionKeyArn"),
        ("ENC-005", "fail", f"arn:aws:dynamodb:{ARN}:table/visits-owned-key",
         "dynamodb:DescribeTable SSEDescription.SSEType = KMS"),
        ("ENC-006", "fail", seeded["scratch"], "elasticfilesystem:DescribeFileSystems Encrypted"),
        ("ENC-007", "fail", cache, "elasticache:DescribeReplicationGroups "
                                   "AtRestEncryptionEnabled"),
        ("PLN-003", "fail", cache, "elasticache:DescribeReplicationGroups "
                                   "TransitEncryptionEnabled"),
        ("ENC-008", "fail", f"arn:aws:redshift:{ARN}:cluster:warehouse-plain",
         "redshift:DescribeClusters Encrypted"),
        ("ENC-009", "fail", search, "es:DescribeDomains EncryptionAtRestOptions.Enabled"),
        ("PLN-008", "fail", search, "es:DescribeDomains DomainEndpointOptions.EnforceHTTPS"),
        ("PLN-009", "fail", search, "es:DescribeDomains NodeToNodeEncryptionOptions.Enabled"),
        ("TLS-005", "fail", search, "es:DescribeDomains DomainEndpointOptions.TLSSecurityPolicy"),
        ("ENC-010", "fail", f"arn:aws:sqs:{ARN}:referrals-plain",
         "sqs:GetQueueAttributes KmsMasterKeyId"),
        ("ENC-011", "fail", f"arn:aws:sns:{ARN}:results-plain",
         "sns:GetTopicAttributes KmsMasterKeyId"),
        ("ENC-012", "fail", f"arn:aws:kinesis:{ARN}:stream/vitals-plain",
         "kinesis:DescribeStreamSummary EncryptionType"),
        ("ENC-013", "fail", f"arn:aws:logs:{ARN}:log-group:/clinic/debug",
         "logs:DescribeLogGroups kmsKeyId"),
        ("PLN-001", "fail", seeded["portal-http"], "elasticloadbalancing:DescribeListeners "
                                                   "DefaultActions"),
        ("TLS-001", "fail", seeded["portal-https"], "elasticloadbalancing:DescribeListeners "
                                                    "SslPolicy"),
        ("TLS-006", "fail", seeded["portal-https"], "elasticloadbalancing:DescribeListeners "
                                                    "SslPolicy"),
        ("PLN-007", "fail", seeded["telnet-open"], "ec2:DescribeSecurityGroups "
                                                   "IpPermissions[0].IpRanges / Ipv6Ranges"),
    }
    messages = {item["rule"]: item["message"] for item in document["findings"]}
    assert messages["PLN-001"].endswith(
        f"listener rule {seeded['api-rule']} forwards requests matching path_pattern "
        "['/api/*'] over plain HTTP")
    # The compliant twin of each passes every rule, KEY-001 included (10 stores with the
    # customer key): 21 passes; portal-ok's HTTP listener (PLN-001) and HTTPS listener
    # (TLS-001, TLS-006) add 3, https-open's one rule 1. The two default security groups
    # (default VPC, seeded VPC) are read too, but moto gives them no ingress rules, so
    # PLN-007 has nothing to judge: 20 stores + 4 listeners + 4 groups = 28 resources.
    assert document["summary"]["passed"] == 25
    assert document["summary"]["resources"] == 28


def test_bucket_versioning_logging_and_public_access(seeded: dict[str, str]) -> None:
    s3 = client("s3", REGION)
    where = {"CreateBucketConfiguration": {"LocationConstraint": REGION}}
    for name in ("photos-ok", "photos-logs", "photos-weak"):
        s3.create_bucket(Bucket=name, **where)
    s3.put_bucket_versioning(Bucket="photos-ok",
                             VersioningConfiguration={"Status": "Enabled"})
    # moto (like S3) insists that the log bucket lets the logging service write.
    s3.put_bucket_policy(Bucket="photos-logs", Policy=json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::photos-logs/*"}]}))
    s3.put_bucket_logging(Bucket="photos-ok", BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "photos-logs", "TargetPrefix": "photos-ok/"}})
    for name in ("photos-ok", "photos-logs"):
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})
    document = scan_json(REGION, services="s3", rules=("BAK-004", "LOG-003", "NET-001"))
    # NET-001 also passes when the account-level block is on; the live scan does not read
    # the account setting (s3control) yet, so a bucket without its own block is UNKNOWN,
    # never a pass. photos-logs receives photos-ok's logs, so it needs none of its own.
    assert findings(document) == {
        ("BAK-004", "fail", "arn:aws:s3:::photos-logs", "s3:GetBucketVersioning Status"),
        ("BAK-004", "fail", "arn:aws:s3:::photos-weak", "s3:GetBucketVersioning Status"),
        ("LOG-003", "fail", "arn:aws:s3:::photos-weak", "s3:GetBucketLogging LoggingEnabled"),
        ("NET-001", "unknown", "arn:aws:s3:::photos-weak", "account_public_access_blocked"),
    }
    assert document["summary"]["passed"] == 5  # ok: BAK-004, LOG-003, NET-001; logs: both


def test_database_tls_comes_from_the_parameter_group_in_force(
        seeded: dict[str, str]) -> None:
    rds = client("rds", REGION)
    rds.create_db_parameter_group(DBParameterGroupName="ehr-tls", DBParameterGroupFamily=
                                  "postgres14", Description="forces TLS")
    rds.modify_db_parameter_group(DBParameterGroupName="ehr-tls", Parameters=[{
        "ParameterName": "rds.force_ssl", "ParameterValue": "1",
        "ApplyMethod": "pending-reboot"}])
    common = {"Engine": "postgres", "DBInstanceClass": "db.t3.micro", "AllocatedStorage": 20,
              "MasterUsername": "clinic", "MasterUserPassword": "not-a-real-password",
              "StorageEncrypted": True, "KmsKeyId": seeded["key"]}
    rds.create_db_instance(DBInstanceIdentifier="ehr-tls", EngineVersion="14.10",
                           DBParameterGroupName="ehr-tls", **common)
    rds.create_db_instance(DBInstanceIdentifier="ehr-default-14", EngineVersion="14.10",
                           **common)
    rds.create_db_instance(DBInstanceIdentifier="ehr-default-16", EngineVersion="16.3",
                           **common)
    result = run_aws("--regions", REGION, "--services", "rds", "--format", "json",
                     rules=("PLN-013",))
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    assert [(item["rule"], item["status"], item["resource"], item["attribute"])
            for item in document["findings"]] == [
        ("PLN-013", "fail", f"arn:aws:rds:{ARN}:db:ehr-default-14", "rds.force_ssl")]
    assert document["findings"][0]["message"].endswith(
        "the default parameter group default.postgres14; the default parameter group does "
        "not force TLS: rds.force_ssl defaults to 0 for postgres 14.10: false)")
    # ehr-tls: the group sets rds.force_ssl = 1; ehr-default-16: PostgreSQL 15+ forces TLS
    # by default.
    assert document["summary"]["passed"] == 2
