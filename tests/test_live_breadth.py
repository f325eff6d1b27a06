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
