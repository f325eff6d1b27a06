"""Collectors for data services: DocumentDB and Neptune clusters, DAX clusters, DMS
endpoints, Amazon MQ brokers and Timestream databases.

DocumentDB and Neptune are managed through the RDS API: their DescribeDBClusters is the
RDS operation with an engine filter (without it, AWS returns every RDS cluster too), and
a DocumentDB cluster parameter group is read with RDS DescribeDBClusterParameters (the
same operation and IAM action, rds:DescribeDBClusterParameters).
"""

from __future__ import annotations

from linter.live.collectors import (
    ALL_FIELDS,
    CollectContext,
    Record,
    Service,
    pages_by_token,
    paginate,
    plain,
)
from linter.live.collectors.databases import ParameterGroups

DOCDB_TLS_PARAMETER = "tls"


def _engine_clusters(context: CollectContext, client_name: str, engine: str) -> list[Record]:
    client = context.client_for(client_name)
    return [Record(f"{client_name}.cluster", "rds", cluster["DBClusterIdentifier"],
                   cluster["DBClusterArn"], {"DescribeDBClusters": cluster})
            for cluster in paginate(client, "describe_db_clusters", "DBClusters",
                                    Filters=[{"Name": "engine", "Values": [engine]}])]


def collect_docdb(context: CollectContext) -> list[Record]:
    records = _engine_clusters(context, "docdb", "docdb")
    parameters = ParameterGroups(context)
    for record in records:
        parameters.read(record, "DescribeDBClusterParameters",
                        record.data["DescribeDBClusters"].get("DBClusterParameterGroup"),
                        DOCDB_TLS_PARAMETER)
    return records


def collect_neptune(context: CollectContext) -> list[Record]:
    return _engine_clusters(context, "neptune", "neptune")


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
        # The encryption options (and the tags that anchor a broker to its template) are
        # only in the broker's description, not in the list.
        elif not context.describe(record, "mq", "DescribeBroker", mq.describe_broker,
                                  gone=("NotFoundException",), BrokerId=summary["BrokerId"]):
            continue
        records.append(record)
    return records


def collect_timestream(context: CollectContext) -> list[Record]:
    timestream = context.client_for("timestream-write")
    return [Record("timestream.database", "timestream", database["DatabaseName"],
                   database["Arn"], {"ListDatabases": database})
            for database in pages_by_token(timestream.list_databases, "Databases")]


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
                                                 "encryption_enabled",
                                                 "publicly_accessible"}))},
            plain(collect_mq)),
    Service("timestream", {"ListDatabases": ("aws.timestream.Database", ALL_FIELDS)},
            plain(collect_timestream), client="timestream-write"),
)
