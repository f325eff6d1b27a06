"""Collectors for data services: DocumentDB and Neptune clusters, DAX clusters, DMS
endpoints and Amazon MQ brokers.

DocumentDB and Neptune are managed through the RDS API: their DescribeDBClusters is the
RDS operation with an engine filter (without it, AWS returns every RDS cluster too), and
a DocumentDB cluster parameter group is read with RDS DescribeDBClusterParameters (the
same operation and IAM action, rds:DescribeDBClusterParameters).
"""

from __future__ import annotations

from typing import Any

from linter.live.collectors import ALL_FIELDS, CollectContext, Record, Service, paginate, plain

DOCDB_TLS_PARAMETER = "tls"


def _engine_clusters(context: CollectContext, client_name: str, engine: str) -> list[Record]:
    client = context.client_for(client_name)
    return [Record(f"{client_name}.cluster", "rds", cluster["DBClusterIdentifier"],
                   cluster["DBClusterArn"], {"DescribeDBClusters": cluster})
            for cluster in paginate(client, "describe_db_clusters", "DBClusters",
                                    Filters=[{"Name": "engine", "Values": [engine]}])]


def collect_docdb(context: CollectContext) -> list[Record]:
    records = _engine_clusters(context, "docdb", "docdb")
    parameters = _ClusterParameter(context, DOCDB_TLS_PARAMETER)
    for record in records:
        parameters.read(record, record.data["DescribeDBClusters"].get("DBClusterParameterGroup"))
    return records


def collect_neptune(context: CollectContext) -> list[Record]:
    return _engine_clusters(context, "neptune", "neptune")


class _ClusterParameter:
    """One parameter of each custom cluster parameter group, read once per group.

    Default groups (`default.*`) are not read: the model applies their documented value
    (tables/defaults/aws_docdb.yaml), as it does for templates that name them.
    """

    OPERATION = "DescribeDBClusterParameters"

    def __init__(self, context: CollectContext, parameter: str) -> None:
        self._context, self._parameter = context, parameter
        self._cache: dict[str, tuple[Any, str | None]] = {}

    def read(self, record: Record, group: Any) -> None:
        if not self._context.wants(self.OPERATION) or not isinstance(group, str):
            record.skipped.add(self.OPERATION)
            return
        if group.startswith("default."):
            return
        if group not in self._cache:
            found = self._context.call(record, "rds", self.OPERATION, self._find,
                                       DBClusterParameterGroupName=group)
            self._cache[group] = (found, record.unreadable.get(self.OPERATION))
        found, unreadable = self._cache[group]
        if unreadable:
            record.unreadable[self.OPERATION] = unreadable
        record.data[self.OPERATION] = {"Group": group, "Parameter": found}

    def _find(self, **arguments: Any) -> Any:
        """The one parameter the rules need; pages stop once it is found."""
        rds = self._context.client_for("rds")
        pages = rds.get_paginator("describe_db_cluster_parameters").paginate(**arguments)
        for page in pages:
            for item in page.get("Parameters", []):
                if item.get("ParameterName") == self._parameter:
                    return item
        return None


def collect_dax(context: CollectContext) -> list[Record]:
    dax = context.client_for("dax")
    return [Record("dax.cluster", "dax", cluster["ClusterName"], cluster["ClusterArn"],
                   {"DescribeClusters": cluster})
            for cluster in paginate(dax, "describe_clusters", "Clusters")]


def collect_dms(context: CollectContext) -> list[Record]:
    dms = context.client_for("dms")
    return [Record("dms.endpoint", "dms", endpoint["EndpointIdentifier"],
                   endpoint["EndpointArn"], {"DescribeEndpoints": endpoint})
            for endpoint in paginate(dms, "describe_endpoints", "Endpoints")]


def collect_mq(context: CollectContext) -> list[Record]:
    mq = context.client_for("mq")
    records = []
    for summary in paginate(mq, "list_brokers", "BrokerSummaries"):
        record = Record("mq.broker", "mq", summary["BrokerName"], summary["BrokerArn"],
                        {"ListBrokers": summary})
        if not context.wants("DescribeBroker"):
            record.skipped.add("DescribeBroker")
        else:
            # The encryption options (and the tags that anchor a broker to its template)
            # are only in the broker's description, not in the list.
            response = context.call(record, "mq", "DescribeBroker", mq.describe_broker,
                                    ("NotFoundException",), BrokerId=summary["BrokerId"])
            if response is not None:
                response.pop("ResponseMetadata", None)
                record.data["DescribeBroker"] = response
        records.append(record)
    return records


SERVICES = (
    Service("docdb", {"DescribeDBClusters": ("aws.docdb.Cluster", ALL_FIELDS),
                      "DescribeDBClusterParameters": ("aws.docdb.Cluster",
                                                      frozenset({"tls"}))},
            plain(collect_docdb)),
    Service("neptune", {"DescribeDBClusters": ("aws.neptune.Cluster", ALL_FIELDS)},
            plain(collect_neptune)),
    Service("dax", {"DescribeClusters": ("aws.dax.Cluster", ALL_FIELDS)}, plain(collect_dax)),
    Service("dms", {"DescribeEndpoints": ("aws.dms.Endpoint", ALL_FIELDS)}, plain(collect_dms)),
    Service("mq", {"ListBrokers": ("aws.mq.Broker", ALL_FIELDS),
                   "DescribeBroker": ("aws.mq.Broker",
                                      frozenset({"use_aws_owned_key", "kms_key",
                                                 "encryption_enabled"}))},
            plain(collect_mq)),
)
