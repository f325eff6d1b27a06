"""DocumentDB, Neptune, DAX, DMS and Amazon MQ collectors against moto.

Seeded in us-west-2 through boto3, one compliant and one non-compliant resource per
service. moto differences the seed and the expectations account for:
- moto's RDS backend refuses the docdb engine, so DocumentDB clusters come from a hook
  on the loopback `StandIn` that adds the DocumentDB clusters below to moto's
  DescribeDBClusters answer; every other call, the docdb cluster parameter groups
  included, reaches moto unchanged.
- moto leaves SslMode out of DescribeEndpoints for an endpoint created without one
  (AWS answers `none`): `src-plain` reads as not set, which fails PLN-016 just the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.live_helpers import findings, scan_json, through_stand_in
from tests.live_server import Call, Hook, MotoServer, Reply, StandIn, client

REGION = "us-west-2"
ACCOUNT = "123456789012"
CLUSTER = f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster"
RULES = ("ENC-016", "PLN-015", "ENC-017", "KEY-001", "ENC-030", "PLN-019", "PLN-016",
         "ENC-032")


def _docdb_cluster(name: str, encrypted: bool, key: str, group: str) -> str:
    """One DBCluster member as the RDS query API writes it (only what the scan reads)."""
    return (f"<DBCluster><DBClusterIdentifier>{name}</DBClusterIdentifier>"
            f"<DBClusterArn>{CLUSTER}:{name}</DBClusterArn><Engine>docdb</Engine>"
            "<EngineVersion>5.0.0</EngineVersion><Status>available</Status>"
            f"<StorageEncrypted>{str(encrypted).lower()}</StorageEncrypted>"
            + (f"<KmsKeyId>{key}</KmsKeyId>" if encrypted else "")
            + f"<DBClusterParameterGroup>{group}</DBClusterParameterGroup>"
            "<BackupRetentionPeriod>7</BackupRetentionPeriod></DBCluster>")


def _with_documentdb_clusters(clusters: str) -> Hook:
    """Adds `clusters` to each DescribeDBClusters answer whose engine filter (the only
    filter the scan sends) is absent or asks for docdb."""
    def hook(call: Call, forward: Callable[[], Reply]) -> Reply | None:
        # moto's RDS refuses the docdb engine: rds:DescribeDBClusters lists no DocumentDB.
        engines = {value for name, value in call.params.items() if ".Values.Value." in name}
        if call.operation != "DescribeDBClusters" or (engines and "docdb" not in engines):
            return None
        reply = forward()
        text = reply.body.decode().replace("<DBClusters/>", "<DBClusters></DBClusters>")
        reply.body = text.replace("</DBClusters>", f"{clusters}</DBClusters>").encode()
        return reply
    return hook


def seed() -> dict[str, str]:
    kms = client("kms", REGION)
    key = kms.create_key(Description="ePHI key")["KeyMetadata"]["Arn"]
    rds_key = {alias["AliasName"]: alias.get("TargetKeyId")
               for alias in kms.list_aliases()["Aliases"]}["alias/aws/rds"]
    rds = client("rds", REGION)
    for name, parameters in (("docdb-notls", [("tls", "disabled")]),
                             ("docdb-audit", [("audit_logs", "enabled")])):
        rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=name,
                                              DBParameterGroupFamily="docdb5.0",
                                              Description=name)
        rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=name, Parameters=[
            {"ParameterName": parameter, "ParameterValue": value,
             "ApplyMethod": "pending-reboot"} for parameter, value in parameters])
    # An Aurora cluster, to show the RDS collector still reads its own clusters.
    rds.create_db_cluster(DBClusterIdentifier="ledger", Engine="aurora-postgresql",
                          MasterUsername="clinic", MasterUserPassword="NotReal123")
    neptune = client("neptune", REGION)
    neptune.create_db_cluster(DBClusterIdentifier="graph", Engine="neptune",
                              StorageEncrypted=True, KmsKeyId=key)
    neptune.create_db_cluster(DBClusterIdentifier="graph-plain", Engine="neptune")
    neptune.create_db_instance(DBInstanceIdentifier="graph-plain-1", Engine="neptune",
                               DBInstanceClass="db.r5.large",
                               DBClusterIdentifier="graph-plain")
    _seed_dax()
    endpoints = _seed_dms()
    brokers = _seed_mq(key)
    clusters = "".join((
        _docdb_cluster("charts", True, key, "default.docdb5.0"),
        # Custom group that leaves `tls` out: the engine default (enabled) applies.
        _docdb_cluster("charts-managed", True, f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{rds_key}",
                       "docdb-audit"),
        _docdb_cluster("charts-plain", False, "", "docdb-notls")))
    return {"clusters": clusters, **endpoints, **brokers}


def _seed_dax() -> None:
    dax = client("dax", REGION)
    role = f"arn:aws:iam::{ACCOUNT}:role/dax-access"
    dax.create_cluster(ClusterName="cache", NodeType="dax.t3.small", ReplicationFactor=1,
                       IamRoleArn=role, SSESpecification={"Enabled": True},
                       ClusterEndpointEncryptionType="TLS")
    dax.create_cluster(ClusterName="cache-plain", NodeType="dax.t3.small",
                       ReplicationFactor=1, IamRoleArn=role)


def _seed_dms() -> dict[str, str]:
    dms = client("dms", REGION)
    database = {"ServerName": "db.clinic.internal", "Username": "migrate",
                "Password": "NotReal123", "DatabaseName": "ehr"}
    arns = {}
    for name, engine, extra in (
            ("src", "postgres", {"SslMode": "require", "Port": 5432}),
            ("src-plain", "mysql", {"Port": 3306}),
            # S3 is reached over HTTPS: no SSL mode to judge (PLN-016 does not apply).
            ("lake", "s3", {"S3Settings": {"BucketName": "clinic-lake",
                                           "ServiceAccessRoleArn":
                                               f"arn:aws:iam::{ACCOUNT}:role/dms"}})):
        settings = extra if engine == "s3" else {**database, **extra}
        arns[name] = dms.create_endpoint(EndpointIdentifier=name, EngineName=engine,
                                         EndpointType="source" if name != "lake"
                                         else "target", **settings)["Endpoint"]["EndpointArn"]
    return arns


def _seed_mq(key: str) -> dict[str, str]:
    mq = client("mq", REGION)
    common: dict[str, Any] = {
        "DeploymentMode": "SINGLE_INSTANCE", "HostInstanceType": "mq.t3.micro",
        "PubliclyAccessible": False, "AutoMinorVersionUpgrade": True,
        "Users": [{"Username": "clinic", "Password": "NotReal12345"}]}
    arns = {}
    for name, engine, version, options in (
            ("orders", "ACTIVEMQ", "5.17.6", {"UseAwsOwnedKey": False, "KmsKeyId": key}),
            ("orders-owned", "ACTIVEMQ", "5.17.6", None),
            # RabbitMQ brokers can only use the AWS-owned key (ENC-032 does not apply).
            ("rabbit", "RABBITMQ", "3.13", None)):
        extra = {"EncryptionOptions": options} if options else {}
        arns[name] = mq.create_broker(BrokerName=name, EngineType=engine,
                                      EngineVersion=version, **common, **extra)["BrokerArn"]
    return arns


@pytest.fixture(scope="module")
def seeded(moto_server: MotoServer) -> dict[str, str]:
    moto_server.reset()
    return seed()


@pytest.fixture()
def stand_in(seeded: dict[str, str], moto_server: MotoServer) -> Iterator[StandIn]:
    with through_stand_in(moto_server,
                          hooks=[_with_documentdb_clusters(seeded["clusters"])]) as proxy:
        yield proxy


def test_the_collectors_feed_the_same_rules(seeded: dict[str, str],
                                            stand_in: StandIn) -> None:
    document = scan_json(REGION, services="docdb,neptune,dax,dms,mq", rules=RULES,
                         exit_codes=(0, 1))
    dax = f"arn:aws:dax:{REGION}:{ACCOUNT}:cache/cache-plain"
    assert findings(document) == {
        ("ENC-016", "fail", f"{CLUSTER}:charts-plain", "rds:DescribeDBClusters StorageEncrypted"),
        ("PLN-015", "fail", f"{CLUSTER}:charts-plain",
         "rds:DescribeDBClusterParameters docdb-notls Parameters[tls]"),
        ("KEY-001", "fail", f"{CLUSTER}:charts-managed", "rds:DescribeDBClusters KmsKeyId"),
        ("ENC-017", "fail", f"{CLUSTER}:graph-plain", "rds:DescribeDBClusters StorageEncrypted"),
        ("ENC-030", "fail", dax, "dax:DescribeClusters SSEDescription.Status"),
        ("PLN-019", "fail", dax, "dax:DescribeClusters ClusterEndpointEncryptionType"),
        ("PLN-016", "fail", seeded["src-plain"], "dms:DescribeEndpoints SslMode"),
        ("ENC-032", "fail", seeded["orders-owned"],
         "mq:DescribeBroker EncryptionOptions.UseAwsOwnedKey"),
    }
    # Passes: charts (ENC-016, PLN-015, KEY-001), charts-managed (ENC-016, PLN-015: its
    # custom group leaves tls at the engine default), graph (ENC-017, KEY-001), cache
    # (ENC-030, PLN-019), src (PLN-016), orders (ENC-032) = 11. Resources: 3 DocumentDB +
    # 2 Neptune clusters + 2 DAX clusters + 3 DMS endpoints + 3 brokers = 13; lake and
    # rabbit are read but no rule applies to them.
    assert document["summary"]["passed"] == 11
    assert document["summary"]["resources"] == 13
    # Each custom group is read once through RDS (the same API and IAM action); default
    # groups are not read; DescribeBroker once per broker.
    calls = document["live"]["api_calls"]
    assert calls["rds:DescribeDBClusterParameters"] == 2
    assert calls["mq:DescribeBroker"] == 3


def test_parameters_and_broker_details_are_read_only_when_judged(
        stand_in: StandIn) -> None:
    document = scan_json(REGION, services="docdb,mq", rules=("ENC-016",), exit_codes=(0, 1))
    assert "rds:DescribeDBClusterParameters" not in document["live"]["api_calls"]
    assert "mq:ListBrokers" not in document["live"]["api_calls"]  # no rule judges brokers
    assert findings(document) == {("ENC-016", "fail", f"{CLUSTER}:charts-plain",
                                   "rds:DescribeDBClusters StorageEncrypted")}


def test_documentdb_and_neptune_are_not_judged_as_rds(seeded: dict[str, str],
                                                      stand_in: StandIn) -> None:
    # The RDS API lists DocumentDB and Neptune clusters (and Neptune's instances) too;
    # only the Aurora cluster may be judged by the RDS rules.
    document = scan_json(REGION, services="rds,docdb,neptune",
                         rules=("ENC-004", "ENC-003", "ENC-016", "ENC-017"), exit_codes=(0, 1))
    assert findings(document) == {
        ("ENC-004", "fail", f"{CLUSTER}:ledger", "rds:DescribeDBClusters StorageEncrypted"),
        ("ENC-016", "fail", f"{CLUSTER}:charts-plain", "rds:DescribeDBClusters StorageEncrypted"),
        ("ENC-017", "fail", f"{CLUSTER}:graph-plain", "rds:DescribeDBClusters StorageEncrypted"),
    }
    types = {item["resource_type"] for item in document["findings"]}
    assert types == {"AWS::RDS::DBCluster", "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster"}
    # ledger, 3 DocumentDB and 2 Neptune clusters; graph-plain-1 is not an RDS instance.
    assert document["summary"]["resources"] == 6


def test_an_unread_custom_group_leaves_tls_unknown_never_a_pass() -> None:
    from linter.adapters.aws_live import BuildContext
    from linter.adapters.aws_live.data_services import build_docdb_cluster
    from linter.live.collectors import Record
    from linter.models.base import FieldState

    def inventory() -> Any:
        raise AssertionError("no rule judges the key: the inventory is not read")

    context = BuildContext(ACCOUNT, REGION, inventory, {"aws.docdb.Cluster": {"tls"}})
    cluster = {"DBClusterIdentifier": "charts", "DBClusterParameterGroup": "docdb-strict"}
    denied = Record("docdb.cluster", "rds", "charts", f"{CLUSTER}:charts",
                    {"DescribeDBClusters": cluster},
                    unreadable={"DescribeDBClusterParameters": "rds:DescribeDBClusterParameters"
                                                               " was denied (AccessDenied)"})
    tls = build_docdb_cluster(denied, context)[0].tls
    assert (tls.state, tls.reason) == (FieldState.UNKNOWN, "rds:DescribeDBClusterParameters "
                                                           "was denied (AccessDenied)")


def test_timestream_databases_are_judged_by_their_key(seeded: dict[str, str]) -> None:
    # Timestream discovers its endpoint (DescribeEndpoints) before each call; moto names
    # an AWS host there, so this also proves the scan keeps to the configured endpoint.
    key = client("kms", REGION).create_key(Description="vitals key")["KeyMetadata"]["Arn"]
    timestream = client("timestream-write", REGION)
    timestream.create_database(DatabaseName="vitals", KmsKeyId=key)
    # AWS names the aws/timestream key by ARN (resolved through the key inventory, as for
    # every store); moto keeps whatever it is given, so the alias stands in for it.
    timestream.create_database(DatabaseName="vitals-aws-key", KmsKeyId="alias/aws/timestream")
    # Without a key moto names one that does not exist: not a pass, not a guess.
    timestream.create_database(DatabaseName="vitals-unlisted-key")
    document = scan_json(REGION, services="timestream", rules=("ENC-031",), exit_codes=(0, 1))
    database = f"arn:aws:timestream:{REGION}:{ACCOUNT}:database"
    assert findings(document) == {
        ("ENC-031", "fail", f"{database}/vitals-aws-key", "timestream:ListDatabases KmsKeyId"),
        ("ENC-031", "unknown", f"{database}/vitals-unlisted-key",
         "timestream:ListDatabases KmsKeyId")}
    assert document["summary"]["passed"] == 1
    assert document["live"]["api_calls"] == {"sts:GetCallerIdentity": 1,
                                             "timestream-write:ListDatabases": 1,
                                             "kms:ListAliases": 1, "kms:ListKeys": 1,
                                             "kms:DescribeKey": 2}
