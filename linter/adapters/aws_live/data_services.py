"""DocumentDB clusters (the tls parameter in force), DAX clusters (the SSE status read as
on or off) and DMS endpoints (whether the engine takes SSL settings).

Neptune clusters, Amazon MQ brokers and Timestream databases are plain mappings
(tables/mappings/aws_core.yaml, section aws_live)."""

from __future__ import annotations

from linter.adapters.aws_live import BuildContext, api_field, complete, key_field, unknown
from linter.live.collectors import Record
from linter.models.aws import dax, docdb
from linter.models.aws.dms import Endpoint, ssl_configurable
from linter.models.base import Field, FieldState
from linter.tables import load_table

CLUSTERS = "DescribeDBClusters"
CLUSTER_PARAMETERS = "DescribeDBClusterParameters"


def build_docdb_cluster(record: Record, context: BuildContext) -> list[docdb.Cluster]:
    return [complete(
        docdb.Cluster, record, context, "AWS::DocDB::DBCluster",
        storage_encrypted=api_field(record, CLUSTERS, "StorageEncrypted"),
        kms_key=key_field(record, CLUSTERS, "KmsKeyId", context, docdb.Cluster),
        tls=_docdb_tls(record))]


def _docdb_tls(record: Record) -> Field:
    """The `tls` parameter in force, decided as for a template naming the same group.

    A default group's value is documented, so it needs no read; a custom group's is what
    DescribeDBClusterParameters returned, or the engine default when the group leaves
    the parameter out.
    """
    argument = api_field(record, CLUSTERS, "DBClusterParameterGroup")
    name = argument.value if argument.state is FieldState.SET else None
    if name is None or str(name).startswith("default."):
        return docdb.tls_in_force(name, argument)
    attribute = f"rds:{CLUSTER_PARAMETERS} {name} Parameters[tls]"
    if CLUSTER_PARAMETERS in record.unreadable:
        return unknown(attribute, record.unreadable[CLUSTER_PARAMETERS])
    if CLUSTER_PARAMETERS in record.skipped:
        return unknown(attribute,
                       f"rds:{CLUSTER_PARAMETERS} was not called (no selected rule needs it)")
    found = (record.data.get(CLUSTER_PARAMETERS) or {}).get("Parameter") or {}
    if found.get("ParameterValue") is not None:
        return Field(found["ParameterValue"], FieldState.SET, attribute)
    default = load_table("defaults/aws_docdb")["docdb_cluster_parameter_defaults"]["tls"]
    return Field(default, FieldState.DEFAULT, attribute, None,
                 f"{name} does not set tls, so the engine default applies")


def build_dax_cluster(record: Record, context: BuildContext) -> list[dax.Cluster]:
    operation = "DescribeClusters"
    return [complete(
        dax.Cluster, record, context, "AWS::DAX::Cluster",
        # ENABLING and DISABLING are transitions: only ENABLED encrypts what is cached now.
        server_side_encryption=api_field(record, operation, "SSEDescription.Status",
                                         convert=lambda status: status == "ENABLED"),
        endpoint_encryption=api_field(record, operation, "ClusterEndpointEncryptionType"))]


def build_dms_endpoint(record: Record, context: BuildContext) -> list[Endpoint]:
    operation = "DescribeEndpoints"
    engine = api_field(record, operation, "EngineName")
    return [complete(Endpoint, record, context, "AWS::DMS::Endpoint", engine_name=engine,
                     endpoint_type=api_field(record, operation, "EndpointType",
                                             convert=lambda kind: str(kind).lower()),
                     ssl_configurable=ssl_configurable(engine),
                     ssl_mode=api_field(record, operation, "SslMode"),
                     kms_key=key_field(record, operation, "KmsKeyId", context, Endpoint),
                     s3_encryption_mode=_s3_encryption_mode(record, operation, engine))]


def _s3_encryption_mode(record: Record, operation: str, engine: Field) -> Field:
    """How an S3 endpoint encrypts what it writes; not a setting of other engines. The
    API leaves EncryptionMode out when the endpoint keeps the SSE_S3 default."""
    if engine.state is FieldState.UNKNOWN:
        return engine
    if engine.value != "s3":
        return Field.absent("S3Settings.EncryptionMode")
    written = api_field(record, operation, "S3Settings.EncryptionMode")
    if written.state is FieldState.ABSENT:
        return Field.default("SSE_S3", written.attribute, "DMS default for S3 endpoints")
    return written


BUILDERS = {
    "docdb.cluster": build_docdb_cluster,
    "dax.cluster": build_dax_cluster,
    "dms.endpoint": build_dms_endpoint,
}
