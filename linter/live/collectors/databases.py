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
    parameters = ParameterGroups(context)
    if context.wants("DescribeDBInstances"):
        for instance in paginate(rds, "describe_db_instances", "DBInstances"):
            if instance.get("Engine") in OTHER_SERVICE_ENGINES:
                continue
            record = Record("rds.instance", "rds", instance["DBInstanceIdentifier"],
                            instance["DBInstanceArn"], {"DescribeDBInstances": instance})
            if not instance.get("DBClusterIdentifier"):  # members use the cluster's group
                groups = instance.get("DBParameterGroups") or [{}]
                parameters.read(record, "DescribeDBParameters",
                                groups[0].get("DBParameterGroupName"),
                                _tls_parameter(instance.get("Engine")))
            records.append(record)
    if context.wants("DescribeDBClusters"):
        for cluster in paginate(rds, "describe_db_clusters", "DBClusters"):
            if cluster.get("Engine") in OTHER_SERVICE_ENGINES:
                continue
            record = Record("rds.cluster", "rds", cluster["DBClusterIdentifier"],
                            cluster["DBClusterArn"], {"DescribeDBClusters": cluster})
            parameters.read(record, "DescribeDBClusterParameters",
                            cluster.get("DBClusterParameterGroup"),
                            _tls_parameter(cluster.get("Engine")))
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


class ParameterGroups:
    """One parameter of each custom DB parameter group, read once per group however many
    databases use it (RDS, Aurora and DocumentDB groups, through the RDS API).

    Default groups (`default.*`) are not read: their values are the documented engine
    defaults (linter/tables/defaults/), which the models apply by engine and version, as
    they do for templates that name a default group.
    """

    # operation -> (paginator, the argument naming the group)
    _READS = {
        "DescribeDBParameters": ("describe_db_parameters", "DBParameterGroupName"),
        "DescribeDBClusterParameters": ("describe_db_cluster_parameters",
                                        "DBClusterParameterGroupName"),
    }

    def __init__(self, context: CollectContext) -> None:
        self._context = context
        self._cache: dict[tuple[str, str, str], tuple[Any, str | None]] = {}

    def read(self, record: Record, operation: str, group: Any, parameter: str | None) -> None:
        """Store {"Group", "Parameter"} under `operation` in the record (or mark it
        skipped: no selected rule needs it, or the engine has no such parameter)."""
        if not self._context.wants(operation) or parameter is None or not isinstance(group,
                                                                                     str):
            record.skipped.add(operation)
            return
        if group.startswith("default."):
            return
        key = (operation, group, parameter)
        if key not in self._cache:
            paginator, argument = self._READS[operation]
            found = self._context.call(record, "rds", operation, self._find,
                                       paginator=paginator, parameter=parameter,
                                       **{argument: group})
            self._cache[key] = (found, record.unreadable.get(operation))
        found, unreadable = self._cache[key]
        if unreadable:
            record.unreadable[operation] = unreadable
        record.data[operation] = {"Group": group, "Parameter": found}

    def _find(self, paginator: str, parameter: str, **arguments: Any) -> Any:
        """The one parameter the rules need; pages stop once it is found."""
        rds = self._context.client_for("rds")
        for page in rds.get_paginator(paginator).paginate(**arguments):
            for item in page.get("Parameters", []):
                if item.get("ParameterName") == parameter:
                    return item
        return None


def _tls_parameter(engine: Any) -> str | None:
    """The parameter that forces TLS for the engine (rds.force_ssl, require_secure_...)."""
    from linter.models.aws.rds import engine_family
    from linter.tables import load_table

    spec = load_table("defaults/aws_rds")["engine_tls_parameters"].get(engine_family(engine))
    return spec["parameter"] if spec else None


# What the elasticache service lists, by operation: (paginator, answer key, record kind,
# the field naming the resource, its ARN resource type).
_ELASTICACHE_LISTS = {
    "DescribeReplicationGroups": ("describe_replication_groups", "ReplicationGroups",
                                  "elasticache.replication_group", "ReplicationGroupId",
                                  "replicationgroup"),
    "DescribeCacheClusters": ("describe_cache_clusters", "CacheClusters",
                              "elasticache.cache_cluster", "CacheClusterId", "cluster"),
    "DescribeServerlessCaches": ("describe_serverless_caches", "ServerlessCaches",
                                 "elasticache.serverless_cache", "ServerlessCacheName",
                                 "serverlesscache"),
}


def collect_elasticache(context: CollectContext) -> list[Record]:
    elasticache = context.client_for("elasticache")
    records = []
    for operation, (method, key, kind, name_key, arn_type) in _ELASTICACHE_LISTS.items():
        if not context.wants(operation):
            continue
        for item in paginate(elasticache, method, key):
            if item.get("ReplicationGroupId") and operation == "DescribeCacheClusters":
                continue  # a group's member takes the group's settings: judged through it
            name = item[name_key]
            records.append(Record(kind, "elasticache", name,
                                  item.get("ARN") or arn(context, "elasticache",
                                                         f"{arn_type}:{name}"),
                                  {operation: item}))
    return records


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
    Service("elasticache", {
        "DescribeReplicationGroups": ("aws.elasticache.ReplicationGroup", ALL_FIELDS),
        "DescribeCacheClusters": ("aws.elasticache.CacheCluster", ALL_FIELDS),
        "DescribeServerlessCaches": ("aws.elasticache.ServerlessCache", ALL_FIELDS)},
            plain(collect_elasticache)),
    Service("redshift", {"DescribeClusters": ("aws.redshift.Cluster", ALL_FIELDS)},
            plain(collect_redshift)),
    Service("opensearch", {"DescribeDomains": ("aws.opensearch.Domain", ALL_FIELDS)},
            plain(collect_opensearch)),
)
