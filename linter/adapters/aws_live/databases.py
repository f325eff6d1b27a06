"""RDS instances, clusters and snapshots; ElastiCache; Redshift; OpenSearch."""

from __future__ import annotations

from typing import Any

from linter.adapters.aws_live import BuildContext, api_field, complete, key_field, unknown
from linter.live.collectors import Record
from linter.models.aws.elasticache import CacheCluster, ReplicationGroup, ServerlessCache
from linter.models.aws.opensearch import Domain, public_endpoint
from linter.models.aws.rds import DBCluster, DBInstance, Snapshot, tls_fields
from linter.models.aws.redshift import Cluster
from linter.models.base import Field, FieldState, Resource


def build_instance(record: Record, context: BuildContext) -> list[DBInstance]:
    operation = "DescribeDBInstances"
    return [complete(
        DBInstance, record, context, "AWS::RDS::DBInstance",
        storage_encrypted=api_field(record, operation, "StorageEncrypted"),
        kms_key=key_field(record, operation, "KmsKeyId", context, DBInstance),
        cluster=api_field(record, operation, "DBClusterIdentifier"),
        replica_source=api_field(record, operation, "ReadReplicaSourceDBInstanceIdentifier"),
        backup_retention_period=api_field(record, operation, "BackupRetentionPeriod"),
        publicly_accessible=api_field(record, operation, "PubliclyAccessible"),
        performance_insights_enabled=api_field(record, operation, "PerformanceInsightsEnabled"),
        performance_insights_kms_key=_insights_key(record, operation, context, DBInstance),
        ca_certificate=api_field(record, operation, "CACertificateIdentifier"),
        **_tls(record, operation, "DescribeDBParameters",
               "DBParameterGroups[0].DBParameterGroupName",
               cluster_member=bool(record.data[operation].get("DBClusterIdentifier"))))]


def build_cluster(record: Record, context: BuildContext) -> list[DBCluster]:
    operation = "DescribeDBClusters"
    return [complete(
        DBCluster, record, context, "AWS::RDS::DBCluster",
        storage_encrypted=api_field(record, operation, "StorageEncrypted"),
        kms_key=key_field(record, operation, "KmsKeyId", context, DBCluster),
        backup_retention_period=api_field(record, operation, "BackupRetentionPeriod"),
        performance_insights_enabled=api_field(record, operation, "PerformanceInsightsEnabled"),
        performance_insights_kms_key=_insights_key(record, operation, context, DBCluster),
        # Multi-AZ DB clusters report their CA here; Aurora clusters leave it out.
        ca_certificate=api_field(record, operation, "CertificateDetails.CAIdentifier"),
        **_tls(record, operation, "DescribeDBClusterParameters", "DBClusterParameterGroup"))]


class _JudgedKey:
    """The build context seen by key_field for a key field not named `kms_key`: the key is
    looked up in the inventory when that field is judged."""

    def __init__(self, context: BuildContext) -> None:
        self._context = context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def judges(self, model: type[Resource], name: str) -> bool:
        return True


def _insights_key(record: Record, operation: str, context: BuildContext,
                  model: type[Resource]) -> Field:
    """The Performance Insights key, shown as alias/aws/rds when AWS manages it."""
    judged = context.judges(model, "performance_insights_kms_key")
    return key_field(record, operation, "PerformanceInsightsKMSKeyId",
                     _JudgedKey(context) if judged else context, model)  # type: ignore[arg-type]


def _tls(record: Record, operation: str, parameters: str, group_path: str,
         cluster_member: bool = False) -> dict[str, Field]:
    """`engine_family` and `tls_required`, from the parameter group in force.

    A custom group that sets the parameter decides; otherwise (a default group, or a
    custom group that leaves it out) the engine default for the version applies, as in
    the IaC models.
    """
    engine = api_field(record, operation, "Engine")
    version = api_field(record, operation, "EngineVersion")
    argument = api_field(record, operation, group_path)
    group = argument.value if argument.state is FieldState.SET else None
    fields = tls_fields(engine, version, group, argument, cluster_member)
    if cluster_member or "tls_required" not in fields:
        return fields
    read = record.data.get(parameters) or {}
    parameter = read.get("Parameter") or {}
    attribute = f"rds:{parameters} {group} Parameters[{parameter.get('ParameterName')}]"
    if parameters in record.unreadable:
        fields["tls_required"] = unknown(attribute, record.unreadable[parameters])
    elif parameter.get("ParameterValue") is not None:
        forced = str(parameter["ParameterValue"]).strip().upper() in ("1", "ON", "TRUE")
        fields["tls_required"] = Field(forced, FieldState.SET, attribute)
    return fields


def build_snapshot(record: Record, context: BuildContext) -> list[Snapshot]:
    operation = ("DescribeDBSnapshots" if record.kind == "rds.snapshot"
                 else "DescribeDBClusterSnapshots")
    encrypted = "Encrypted" if record.kind == "rds.snapshot" else "StorageEncrypted"
    source_type = ("AWS::RDS::DBSnapshot" if record.kind == "rds.snapshot"
                   else "AWS::RDS::DBClusterSnapshot")
    return [complete(Snapshot, record, context, source_type,
                     encrypted=api_field(record, operation, encrypted),
                     kms_key=key_field(record, operation, "KmsKeyId", context, Snapshot),
                     # A copy made in the account looks like any manual snapshot here.
                     copy=api_field(record, operation, "SourceDBSnapshotIdentifier"
                                    if record.kind == "rds.snapshot"
                                    else "SourceDBClusterSnapshotArn",
                                    convert=bool))]


def build_replication_group(record: Record, context: BuildContext) -> list[ReplicationGroup]:
    operation = "DescribeReplicationGroups"
    return [complete(
        ReplicationGroup, record, context, "AWS::ElastiCache::ReplicationGroup",
        engine=api_field(record, operation, "Engine"),
        at_rest_encryption=api_field(record, operation, "AtRestEncryptionEnabled"),
        kms_key=key_field(record, operation, "KmsKeyId", context, ReplicationGroup),
        transit_encryption=api_field(record, operation, "TransitEncryptionEnabled"),
        transit_encryption_mode=api_field(record, operation, "TransitEncryptionMode"))]


def build_cache_cluster(record: Record, context: BuildContext) -> list[CacheCluster]:
    operation = "DescribeCacheClusters"
    return [complete(
        CacheCluster, record, context, "AWS::ElastiCache::CacheCluster",
        engine=api_field(record, operation, "Engine"),
        at_rest_encryption=api_field(record, operation, "AtRestEncryptionEnabled"),
        transit_encryption=api_field(record, operation, "TransitEncryptionEnabled"),
        transit_encryption_mode=api_field(record, operation, "TransitEncryptionMode"))]


def build_serverless_cache(record: Record, context: BuildContext) -> list[ServerlessCache]:
    return [complete(ServerlessCache, record, context, "AWS::ElastiCache::ServerlessCache",
                     kms_key=key_field(record, "DescribeServerlessCaches", "KmsKeyId", context,
                                       ServerlessCache))]


def build_redshift_cluster(record: Record, context: BuildContext) -> list[Cluster]:
    return [complete(
        Cluster, record, context, "AWS::Redshift::Cluster",
        encrypted=api_field(record, "DescribeClusters", "Encrypted"),
        kms_key=key_field(record, "DescribeClusters", "KmsKeyId", context, Cluster),
        publicly_accessible=api_field(record, "DescribeClusters", "PubliclyAccessible"))]


def build_domain(record: Record, context: BuildContext) -> list[Domain]:
    operation = "DescribeDomains"
    return [complete(
        Domain, record, context, "AWS::OpenSearchService::Domain",
        encrypted_at_rest=api_field(record, operation, "EncryptionAtRestOptions.Enabled"),
        kms_key=key_field(record, operation, "EncryptionAtRestOptions.KmsKeyId", context,
                          Domain),
        node_to_node_encryption=api_field(record, operation,
                                          "NodeToNodeEncryptionOptions.Enabled"),
        enforce_https=api_field(record, operation, "DomainEndpointOptions.EnforceHTTPS"),
        tls_security_policy=api_field(record, operation,
                                      "DomainEndpointOptions.TLSSecurityPolicy"),
        # DescribeDomains leaves VPCOptions out for a domain with a public endpoint.
        publicly_accessible=public_endpoint(api_field(record, operation, "VPCOptions")))]


BUILDERS = {
    "rds.instance": build_instance,
    "rds.cluster": build_cluster,
    "rds.snapshot": build_snapshot,
    "rds.cluster_snapshot": build_snapshot,
    "elasticache.replication_group": build_replication_group,
    "elasticache.cache_cluster": build_cache_cluster,
    "elasticache.serverless_cache": build_serverless_cache,
    "redshift.cluster": build_redshift_cluster,
    "opensearch.domain": build_domain,
}
