"""Collectors for databases: RDS/Aurora, ElastiCache, Redshift, OpenSearch."""

from __future__ import annotations

from typing import Any

from linter.live.collectors import ALL_FIELDS, CollectContext, Record, Service, arn, paginate, plain

# The RDS API also lists DocumentDB and Neptune databases; their own collectors
# (data_services.py) build their models, which have their own rules.
OTHER_SERVICE_ENGINES = frozenset({"docdb", "neptune"})


def collect_rds(context: CollectContext) -> list[Record]:
    rds = context.client_for("rds")
    records = []
    parameters = _TlsParameters(context, rds)
    if context.wants("DescribeDBInstances"):
        for instance in paginate(rds, "describe_db_instances", "DBInstances"):
            if instance.get("Engine") in OTHER_SERVICE_ENGINES:
                continue
            record = Record("rds.instance", "rds", instance["DBInstanceIdentifier"],
                            instance["DBInstanceArn"], {"DescribeDBInstances": instance})
            if not instance.get("DBClusterIdentifier"):  # members use the cluster's group
                groups = instance.get("DBParameterGroups") or [{}]
                parameters.read(record, "DescribeDBParameters", instance.get("Engine"),
                                groups[0].get("DBParameterGroupName"))
            records.append(record)
    if context.wants("DescribeDBClusters"):
        for cluster in paginate(rds, "describe_db_clusters", "DBClusters"):
            if cluster.get("Engine") in OTHER_SERVICE_ENGINES:
                continue
            record = Record("rds.cluster", "rds", cluster["DBClusterIdentifier"],
                            cluster["DBClusterArn"], {"DescribeDBClusters": cluster})
            parameters.read(record, "DescribeDBClusterParameters", cluster.get("Engine"),
                            cluster.get("DBClusterParameterGroup"))
            records.append(record)
    if context.wants("DescribeDBSnapshots"):
        # Manual snapshots only, like the IaC models: automated snapshots follow their
        # database's encryption and are judged through it.
        for snapshot in paginate(rds, "describe_db_snapshots", "DBSnapshots",
                                 SnapshotType="manual"):
            records.append(Record("rds.snapshot", "rds", snapshot["DBSnapshotIdentifier"],
                                  snapshot["DBSnapshotArn"], {"DescribeDBSnapshots": snapshot}))
    if context.wants("DescribeDBClusterSnapshots"):
        for snapshot in paginate(rds, "describe_db_cluster_snapshots", "DBClusterSnapshots",
                                 SnapshotType="manual"):
            records.append(Record(
                "rds.cluster_snapshot", "rds", snapshot["DBClusterSnapshotIdentifier"],
                snapshot["DBClusterSnapshotArn"], {"DescribeDBClusterSnapshots": snapshot}))
    return records


class _TlsParameters:
    """The TLS-forcing parameter (rds.force_ssl, require_secure_transport) of each group.

    Default groups (`default.*`) are not read: their values are the documented engine
    defaults (tables/defaults/aws_rds.yaml), which the model applies by engine version.
    A custom group is read once, however many databases use it.
    """

    def __init__(self, context: CollectContext, rds: Any) -> None:
        self._context, self._rds = context, rds
        self._cache: dict[tuple[str, str], Any] = {}

    def read(self, record: Record, operation: str, engine: Any, group: Any) -> None:
        from linter.models.aws.rds import engine_family
        from linter.tables import load_table

        spec = load_table("defaults/aws_rds")["engine_tls_parameters"].get(
            engine_family(engine))
        if not self._context.wants(operation) or spec is None or not isinstance(group, str):
            record.skipped.add(operation)
            return
        if group.startswith("default."):
            return
        key = (operation, group)
        if key not in self._cache:
            method = ("describe_db_parameters" if operation == "DescribeDBParameters"
                      else "describe_db_cluster_parameters")
            argument = ("DBParameterGroupName" if operation == "DescribeDBParameters"
                        else "DBClusterParameterGroupName")
            found = self._context.call(record, "rds", operation, self._find,
                                       paginator=method, parameter=spec["parameter"],
                                       **{argument: group})
            self._cache[key] = (found, record.unreadable.get(operation))
        found, unreadable = self._cache[key]
        if unreadable:
            record.unreadable[operation] = unreadable
        record.data[operation] = {"Group": group, "Parameter": found}

    def _find(self, paginator: str, parameter: str, **arguments: Any) -> Any:
        """The one parameter the rules need; pages stop once it is found."""
        for page in self._rds.get_paginator(paginator).paginate(**arguments):
            for item in page.get("Parameters", []):
                if item.get("ParameterName") == parameter:
                    return item
        return None


def collect_elasticache(context: CollectContext) -> list[Record]:
    elasticache = context.client_for("elasticache")
    return [Record("elasticache.replication_group", "elasticache", group["ReplicationGroupId"],
                   group.get("ARN") or arn(context, "elasticache",
                                           f"replicationgroup:{group['ReplicationGroupId']}"),
                   {"DescribeReplicationGroups": group})
            for group in paginate(elasticache, "describe_replication_groups",
                                  "ReplicationGroups")]


def collect_redshift(context: CollectContext) -> list[Record]:
    redshift = context.client_for("redshift")
    return [Record("redshift.cluster", "redshift", cluster["ClusterIdentifier"],
                   # DescribeClusters returns no cluster ARN (only the namespace's).
                   arn(context, "redshift", f"cluster:{cluster['ClusterIdentifier']}"),
                   {"DescribeClusters": cluster})
            for cluster in paginate(redshift, "describe_clusters", "Clusters")]


def collect_opensearch(context: CollectContext) -> list[Record]:
    opensearch = context.client_for("opensearch")
    # ListDomainNames has no paginator; DescribeDomains takes at most 5 names per call.
    names = [domain["DomainName"]
             for domain in opensearch.list_domain_names().get("DomainNames", [])]
    records = []
    for start in range(0, len(names), 5):
        response = opensearch.describe_domains(DomainNames=names[start:start + 5])
        for status in response.get("DomainStatusList", []):
            records.append(Record("opensearch.domain", "es", status["DomainName"],
                                  status.get("ARN") or arn(context, "es",
                                                           f"domain/{status['DomainName']}"),
                                  {"DescribeDomains": status}))
    return records


SERVICES = (
    Service("rds", {"DescribeDBInstances": ("aws.rds.DBInstance", ALL_FIELDS),
                    "DescribeDBClusters": ("aws.rds.DBCluster", ALL_FIELDS),
                    "DescribeDBSnapshots": ("aws.rds.Snapshot", ALL_FIELDS),
                    "DescribeDBClusterSnapshots": ("aws.rds.Snapshot", ALL_FIELDS),
                    "DescribeDBParameters": ("aws.rds.DBInstance",
                                             frozenset({"tls_required"})),
                    "DescribeDBClusterParameters": ("aws.rds.DBCluster",
                                                    frozenset({"tls_required"}))},
            plain(collect_rds)),
    Service("elasticache", {"DescribeReplicationGroups":
                            ("aws.elasticache.ReplicationGroup", ALL_FIELDS)},
            plain(collect_elasticache)),
    Service("redshift", {"DescribeClusters": ("aws.redshift.Cluster", ALL_FIELDS)},
            plain(collect_redshift)),
    Service("opensearch", {"DescribeDomains": ("aws.opensearch.Domain", ALL_FIELDS)},
            plain(collect_opensearch)),
)
