"""Fields added to the live RDS adapter for KEY-221 and TLS-220, against moto.

moto answers DescribeDBInstances with PerformanceInsightsKMSKeyId and
CACertificateIdentifier as created; an instance created without a Performance Insights
key gets a placeholder id there (not an ARN), so the seed names the AWS-managed
alias/aws/rds key by its ARN, as AWS reports it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live_helpers import findings, scan_json, through_stand_in
from tests.live_server import MotoServer, StandIn, client

REGION = "eu-west-1"
ACCOUNT = "123456789012"
DB = f"arn:aws:rds:{REGION}:{ACCOUNT}:db"


@pytest.fixture(scope="module")
def seeded(moto_server: MotoServer) -> None:
    moto_server.reset()
    kms = client("kms", REGION)
    customer_key = kms.create_key(Description="ePHI key")["KeyMetadata"]["Arn"]
    rds = client("rds", REGION)  # creating an RDS client makes moto add alias/aws/rds
    managed = {alias["AliasName"]: alias.get("TargetKeyId")
               for alias in kms.list_aliases()["Aliases"]}["alias/aws/rds"]
    managed_key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{managed}"
    common = {"Engine": "postgres", "DBInstanceClass": "db.t3.micro", "MasterUsername": "clinic",
              "MasterUserPassword": "NotReal1234", "AllocatedStorage": 20,
              "StorageEncrypted": True, "KmsKeyId": customer_key,
              "EnablePerformanceInsights": True}
    rds.create_db_instance(DBInstanceIdentifier="ehr-old", **common,
                           PerformanceInsightsKMSKeyId=managed_key,
                           CACertificateIdentifier="rds-ca-2019")
    rds.create_db_instance(DBInstanceIdentifier="ehr", **common,
                           PerformanceInsightsKMSKeyId=customer_key,
                           CACertificateIdentifier="rds-ca-rsa2048-g1")


@pytest.fixture()
def stand_in(seeded: None, moto_server: MotoServer) -> Iterator[StandIn]:
    with through_stand_in(moto_server) as proxy:
        yield proxy


def test_performance_insights_key_and_ca_are_judged_live(stand_in: StandIn) -> None:
    document = scan_json(REGION, services="rds", rules=("KEY-221", "TLS-220"),
                         exit_codes=(1,))
    assert findings(document) == {
        ("KEY-221", "fail", f"{DB}:ehr-old", "rds:DescribeDBInstances PerformanceInsightsKMSKeyId"),
        ("TLS-220", "fail", f"{DB}:ehr-old", "rds:DescribeDBInstances CACertificateIdentifier"),
    }
    # ehr passes both rules.
    assert document["summary"]["passed"] == 2


DMS = f"arn:aws:dms:{REGION}:{ACCOUNT}:endpoint"


@pytest.fixture(scope="module")
def seeded_dms_transfer(moto_server: MotoServer) -> dict[str, str]:
    moto_server.reset()
    kms = client("kms", REGION)
    customer_key = kms.create_key(Description="ePHI key")["KeyMetadata"]["Arn"]
    dms = client("dms", REGION)
    role = f"arn:aws:iam::{ACCOUNT}:role/dms"
    arns = {
        "lake": dms.create_endpoint(
            EndpointIdentifier="lake", EngineName="s3", EndpointType="target",
            S3Settings={"BucketName": "clinic-lake", "ServiceAccessRoleArn": role}),
        "lake-kms": dms.create_endpoint(
            EndpointIdentifier="lake-kms", EngineName="s3", EndpointType="target",
            S3Settings={"BucketName": "clinic-lake", "ServiceAccessRoleArn": role,
                        "EncryptionMode": "SSE_KMS",
                        "ServerSideEncryptionKmsKeyId": customer_key}),
        "ehr": dms.create_endpoint(
            EndpointIdentifier="ehr", EngineName="postgres", EndpointType="source",
            ServerName="db.clinic.internal", Username="migrate", Password="NotReal123",
            DatabaseName="ehr", Port=5432, SslMode="require", KmsKeyId=customer_key),
    }
    arns = {name: answer["Endpoint"]["EndpointArn"] for name, answer in arns.items()}
    transfer = client("transfer", REGION)
    arns["sftp-quiet"] = transfer.create_server(
        Protocols=["SFTP"], SecurityPolicyName="TransferSecurityPolicy-2024-01")["ServerId"]
    arns["sftp-logged"] = transfer.create_server(
        Protocols=["SFTP"], SecurityPolicyName="TransferSecurityPolicy-2024-01",
        LoggingRole=f"arn:aws:iam::{ACCOUNT}:role/transfer-logs")["ServerId"]
    return arns


def test_dms_keys_and_transfer_logging_are_judged_live(
        seeded_dms_transfer: dict[str, str], moto_server: MotoServer) -> None:
    """KEY-222 and KEY-224 read DescribeEndpoints (KmsKeyId, EndpointType,
    S3Settings.EncryptionMode, which the API leaves out at the SSE_S3 default), LOG-220
    reads DescribeServer's LoggingRole and StructuredLogDestinations."""
    with through_stand_in(moto_server):
        document = scan_json(REGION, services="dms,transfer",
                             rules=("KEY-222", "KEY-224", "LOG-220"), exit_codes=(1,))
    server = f"arn:aws:transfer:{REGION}:{ACCOUNT}:server"
    assert findings(document) == {
        ("KEY-224", "fail", seeded_dms_transfer["lake"], "dms:DescribeEndpoints "
                                                         "S3Settings.EncryptionMode"),
        ("LOG-220", "fail", f"{server}/{seeded_dms_transfer['sftp-quiet']}",
         "transfer:DescribeServer LoggingRole"),
    }
    # lake-kms passes KEY-224, ehr passes KEY-222, sftp-logged passes LOG-220.
    assert document["summary"]["passed"] == 3
