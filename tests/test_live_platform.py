"""The platform collectors against moto: ECR, Secrets Manager, EKS, MSK, Transfer Family.

Seeded in us-west-2 through boto3, one compliant and one non-compliant resource each.
moto differences the seed and the expectations account for:
- moto leaves DataVolumeKMSKeyId out of ListClustersV2 for a cluster created without a
  key, where AWS names its aws/kafka key: `lab-feeds-legacy` reads as having no key,
  which KEY-001 judges the same way (the AWS-managed default).
- moto's CreateClusterV2 drops a provisioned cluster's EncryptionInfo, so provisioned
  clusters are seeded with CreateCluster; ListClustersV2 (what the scan reads) is moto's.
- moto has no aws/ecr or aws/kafka key; the aws/secretsmanager alias exists, so the
  secret on it shows the AWS-managed key named by id being recognised.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.live.templates import LOGICAL_ID_TAG, STACK_NAME_TAG
from tests.live_helpers import findings, run_aws, scan_json, through_stand_in
from tests.live_server import MotoServer, client

REGION = "us-west-2"
ACCOUNT = "123456789012"
ARN = f"{REGION}:{ACCOUNT}"
SERVICES = "ecr,secretsmanager,eks,msk,transfer"
RULES = ("ENC-014", "ENC-019", "ENC-020", "KEY-001", "PLN-004", "PLN-006")
ROLE = f"arn:aws:iam::{ACCOUNT}:role/eks-cluster"
BROKERS = {"InstanceType": "kafka.m5.large", "ClientSubnets": ["subnet-1", "subnet-2"]}
# moto's fixed key id behind alias/aws/secretsmanager in every region.
AWS_SECRETS_KEY = "fee5173a-3972-428e-ae73-cd4c2a371222"


def _stack_tags(logical_id: str) -> dict[str, str]:
    return {LOGICAL_ID_TAG: logical_id, STACK_NAME_TAG: "platform"}


def _tag_list(logical_id: str) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in _stack_tags(logical_id).items()]


def seed() -> dict[str, str]:
    key = client("kms", REGION).create_key(Description="ePHI key")["KeyMetadata"]["Arn"]
    ecr = client("ecr", REGION)
    ecr.create_repository(repositoryName="integration-engine", encryptionConfiguration={
        "encryptionType": "KMS", "kmsKey": key})
    ecr.create_repository(repositoryName="imaging-pipeline")  # AES256, the default
    secrets = client("secretsmanager", REGION)
    arns = {"db-secret": secrets.create_secret(Name="ehr/db/master", KmsKeyId=key,
                                               SecretString="not-a-secret")["ARN"],
            "lab-secret": secrets.create_secret(Name="lab/interface",
                                                SecretString="not-a-secret",
                                                Tags=_tag_list("LabSecret"))["ARN"],
            "erx-secret": secrets.create_secret(Name="erx/api-token", KmsKeyId=AWS_SECRETS_KEY,
                                                SecretString="not-a-secret")["ARN"]}
    eks = client("eks", REGION)
    eks.create_cluster(name="portal", roleArn=ROLE, resourcesVpcConfig={}, encryptionConfig=[
        {"resources": ["secrets"], "provider": {"keyArn": key}}])
    eks.create_cluster(name="portal-dev", roleArn=ROLE, resourcesVpcConfig={},
                       tags=_stack_tags("DevCluster"))
    kafka = client("kafka", REGION)
    arns["lab-feeds"] = kafka.create_cluster(
        ClusterName="lab-feeds", KafkaVersion="3.6.0", NumberOfBrokerNodes=2,
        BrokerNodeGroupInfo=BROKERS, EncryptionInfo={
            "EncryptionAtRest": {"DataVolumeKMSKeyId": key},
            "EncryptionInTransit": {"ClientBroker": "TLS", "InCluster": True}})["ClusterArn"]
    arns["lab-feeds-legacy"] = kafka.create_cluster(
        ClusterName="lab-feeds-legacy", KafkaVersion="3.6.0", NumberOfBrokerNodes=2,
        BrokerNodeGroupInfo=BROKERS, Tags=_stack_tags("LegacyFeeds"), EncryptionInfo={
            "EncryptionInTransit": {"ClientBroker": "TLS_PLAINTEXT",
                                    "InCluster": True}})["ClusterArn"]
    # Serverless: always TLS with an AWS-managed key, not judged (as in IaC).
    kafka.create_cluster_v2(ClusterName="events", Serverless={
        "VpcConfigs": [{"SubnetIds": ["subnet-1"]}]})
    transfer = client("transfer", REGION)
    arns["sftp"] = _server_arn(transfer.create_server(
        Protocols=["SFTP"], SecurityPolicyName="TransferSecurityPolicy-2024-01"))
    arns["ftp"] = _server_arn(transfer.create_server(Protocols=["FTP", "SFTP"],
                                                     Tags=_tag_list("PartnerFtp")))
    return arns


def _server_arn(created: dict[str, str]) -> str:
    return f"arn:aws:transfer:{ARN}:server/{created['ServerId']}"


@pytest.fixture(scope="module")
def seeded(moto_server: MotoServer) -> dict[str, str]:
    moto_server.reset()
    return seed()


def test_the_platform_collectors_feed_the_same_rules(seeded: dict[str, str]) -> None:
    document = scan_json(REGION, services=SERVICES, rules=RULES)
    legacy = seeded["lab-feeds-legacy"]
    assert findings(document) == {
        ("ENC-019", "fail", f"arn:aws:ecr:{ARN}:repository/imaging-pipeline",
         "ecr:DescribeRepositories encryptionConfiguration.encryptionType"),
        ("ENC-020", "fail", seeded["lab-secret"], "secretsmanager:ListSecrets KmsKeyId"),
        ("ENC-020", "fail", seeded["erx-secret"], "secretsmanager:ListSecrets KmsKeyId"),
        ("ENC-014", "fail", f"arn:aws:eks:{ARN}:cluster/portal-dev",
         "eks:DescribeCluster encryptionConfig[0].resources"),
        ("PLN-004", "fail", legacy,
         "kafka:ListClustersV2 Provisioned.EncryptionInfo.EncryptionInTransit.ClientBroker"),
        ("KEY-001", "fail", legacy,
         "kafka:ListClustersV2 Provisioned.EncryptionInfo.EncryptionAtRest.DataVolumeKMSKeyId"),
        ("PLN-006", "fail", seeded["ftp"], "transfer:DescribeServer Protocols"),
    }
    messages = {item["resource"]: item["message"] for item in document["findings"]
                if item["rule"] == "ENC-020"}
    assert messages[seeded["erx-secret"]].endswith(
        ": alias/aws/secretsmanager is an AWS-managed key")
    # Passes: integration-engine ENC-019 and KEY-001 (imaging-pipeline uses S3-managed
    # keys, so KEY-001 does not apply to it), ehr/db/master ENC-020, portal ENC-014,
    # lab-feeds PLN-004 and KEY-001, the SFTP server PLN-006: 7. Resources: 2 repositories,
    # 3 secrets, 2 EKS clusters, 2 provisioned MSK clusters (the serverless one is not
    # judged), 2 Transfer servers: 11.
    assert document["summary"]["passed"] == 7
    assert document["summary"]["resources"] == 11
    # One list call per service, a describe call per EKS cluster and Transfer server
    # (KMS and STS: the key inventory and the account).
    calls = document["live"]["api_calls"]
    assert {name for name in calls if not name.startswith(("kms:", "sts:"))} == {
        "ecr:DescribeRepositories", "secretsmanager:ListSecrets", "eks:ListClusters",
        "eks:DescribeCluster", "kafka:ListClustersV2", "transfer:ListServers",
        "transfer:DescribeServer"}
    assert calls["eks:DescribeCluster"] == 2 and calls["transfer:DescribeServer"] == 2


def test_a_denied_describe_call_is_unknown_never_a_pass(
        seeded: dict[str, str], moto_server: MotoServer) -> None:
    # The stand-in denies eks:DescribeCluster for portal-dev only, a REST-JSON call
    # matched on its request (GET /clusters/portal-dev) and answered in JSON; the
    # cluster is still reported, its encryption UNKNOWN.
    with through_stand_in(moto_server, deny_request=lambda call: call.service == "eks" and
                          call.method == "GET" and call.url_path.endswith("/clusters/portal-dev")):
        document = scan_json(REGION, services="eks", rules=("ENC-014",), exit_codes=(2,))
    assert document["problems"] == [{
        "file": f"aws/{ACCOUNT}/{REGION}/eks", "level": "error",
        "reason": "partly assessed: eks:DescribeCluster was denied (AccessDeniedException) "
                  "for portal-dev; the settings it reads are unknown; grant "
                  "eks:DescribeCluster"}]
    assert findings(document) == {
        ("ENC-014", "unknown", f"arn:aws:eks:{ARN}:cluster/portal-dev",
         "eks:DescribeCluster encryptionConfig[0].resources")}
    assert document["summary"]["passed"] == 1  # portal
    assert document["live"]["api_calls"]["eks:DescribeCluster"] == 2


TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  LabSecret:
    Type: AWS::SecretsManager::Secret
  DevCluster:
    Type: AWS::EKS::Cluster
  LegacyFeeds:
    Type: AWS::MSK::Cluster
  PartnerFtp:
    Type: AWS::Transfer::Server
"""


def test_tags_in_the_answers_anchor_findings_in_the_template(
        seeded: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # ListSecrets and DescribeServer return Key/Value lists, DescribeCluster and
    # ListClustersV2 a map: no separate tag call is made for any of them.
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "platform.yaml").write_text(TEMPLATE)
    monkeypatch.chdir(tmp_path)
    result = run_aws("--regions", REGION, "--services", SERVICES, "--templates", "templates",
                     "--format", "json", rules=RULES)
    document = json.loads(result.stdout)
    anchored = {(item["rule"], item["resource"]): (item["file"], item["line"])
                for item in document["findings"] if item["file"].startswith("templates/")}
    template = "templates/platform.yaml"
    assert anchored == {
        ("ENC-020", seeded["lab-secret"]): (template, 3),
        ("ENC-014", f"arn:aws:eks:{ARN}:cluster/portal-dev"): (template, 5),
        ("PLN-004", seeded["lab-feeds-legacy"]): (template, 7),
        ("KEY-001", seeded["lab-feeds-legacy"]): (template, 7),
        ("PLN-006", seeded["ftp"]): (template, 9),
    }
