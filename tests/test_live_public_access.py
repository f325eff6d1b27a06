"""NET-002 on a live account: the RDS, Redshift and Amazon MQ collectors' answers (moto)
carry PubliclyAccessible, which the live adapters fill in like the Terraform and
CloudFormation ones.

Seeded in us-east-2 through boto3: one public and one private RDS DB instance, Redshift
cluster and MQ broker.
"""

from __future__ import annotations

import pytest

from tests.live_helpers import findings, scan_json
from tests.live_server import MotoServer, client

REGION = "us-east-2"
ACCOUNT = "123456789012"


def seed() -> dict[str, str]:
    """The brokers' ARNs by name (moto gives them random ids)."""
    rds = client("rds", REGION)
    for name, public in (("ehr-public", True), ("ehr-private", False)):
        rds.create_db_instance(DBInstanceIdentifier=name, Engine="postgres",
                               DBInstanceClass="db.t3.medium", AllocatedStorage=20,
                               MasterUsername="clinic", MasterUserPassword="NotReal123",
                               StorageEncrypted=True, PubliclyAccessible=public)
    redshift = client("redshift", REGION)
    for name, public in (("claims-public", True), ("claims-private", False)):
        redshift.create_cluster(ClusterIdentifier=name, NodeType="ra3.xlplus",
                                ClusterType="single-node", MasterUsername="clinic",
                                MasterUserPassword="NotReal123", Encrypted=True,
                                PubliclyAccessible=public)
    mq, brokers = client("mq", REGION), {}
    for name, public in (("referrals-public", True), ("referrals-private", False)):
        brokers[name] = mq.create_broker(
            BrokerName=name, EngineType="ACTIVEMQ", EngineVersion="5.18",
            HostInstanceType="mq.t3.micro", DeploymentMode="SINGLE_INSTANCE",
            PubliclyAccessible=public, AutoMinorVersionUpgrade=True,
            Users=[{"Username": "clinic", "Password": "NotReal123456"}])["BrokerArn"]
    return brokers


@pytest.fixture(scope="module")
def seeded(moto_server: MotoServer) -> dict[str, str]:
    moto_server.reset()
    return seed()


def test_public_databases_fail_and_private_ones_pass(seeded: dict[str, str]) -> None:
    broker = seeded
    # NET-002 alone still makes the scan describe each broker: the list lacks the switch.
    document = scan_json(REGION, services="rds,redshift,mq", rules=("NET-002",))
    assert findings(document) == {
        ("NET-002", "fail", f"arn:aws:rds:{REGION}:{ACCOUNT}:db:ehr-public",
         "rds:DescribeDBInstances PubliclyAccessible"),
        ("NET-002", "fail", f"arn:aws:redshift:{REGION}:{ACCOUNT}:cluster:claims-public",
         "redshift:DescribeClusters PubliclyAccessible"),
        ("NET-002", "fail", broker["referrals-public"], "mq:DescribeBroker PubliclyAccessible"),
    }
    # ehr-private, claims-private and referrals-private.
    assert document["summary"]["passed"] == 3
    assert document["live"]["api_calls"]["mq:DescribeBroker"] == 2
