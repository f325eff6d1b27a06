"""AWS::RDS::DBInstance and AWS::RDS::DBCluster."""

from __future__ import annotations

from typing import Any

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at, same_text
from linter.models.aws.rds import (
    DataSource,
    DBCluster,
    DBInstance,
    GroupChoice,
    ParameterGroup,
    data_source,
    inherited_key,
    storage_encryption,
    tls_fields,
)
from linter.models.base import Field, FieldState
from linter.resolve.cloudformation import ResolvedResource
from linter.values import Branches, ConfigNode, ResourceRef, Unknown


def _field(properties: ConfigNode, path: str, source_type: str) -> Field:
    return field_at(properties, path, source_type, attribute=f"Properties.{path}")


def build_instance(resource: ResolvedResource, context: TemplateContext) -> list[DBInstance]:
    properties, kind = resource.properties, resource.type
    restored = _restored_instance(properties, kind)
    encrypted = storage_encryption(as_bool(_field(properties, "StorageEncrypted", kind)),
                                   restored)
    # A read replica (same Region) is encrypted with its source's key; whether it is
    # encrypted at all is judged on the source (ENC-003 leaves replicas out).
    source = restored or data_source(
        *(("replication source", _field(properties, name, kind))
          for name in ("SourceDBInstanceIdentifier", "SourceDBClusterIdentifier")))
    return [DBInstance(
        **context.identity(resource), storage_encrypted=encrypted,
        kms_key=inherited_key(_field(properties, "KmsKeyId", kind), source),
        cluster=_field(properties, "DBClusterIdentifier", kind),
        replica_source=_field(properties, "SourceDBInstanceIdentifier", kind),
        backup_retention_period=_field(properties, "BackupRetentionPeriod", kind),
        publicly_accessible=_public_access(properties, kind),
        **_insights_and_ca(properties, kind, "EnablePerformanceInsights",
                           "PerformanceInsightsKMSKeyId", "CACertificateIdentifier"),
        **_tls(resource, context, "DBParameterGroupName", "AWS::RDS::DBParameterGroup",
               # An instance of an Aurora or Multi-AZ DB cluster follows the cluster's group.
               cluster_member=properties.get("DBClusterIdentifier") is not None))]


def _restored_instance(properties: ConfigNode, kind: str) -> DataSource | None:
    """The snapshot or database a DB instance is restored from, if any.

    SourceDBInstanceIdentifier names a point-in-time restore source only with RestoreTime
    or UseLatestRestorableTime; alone it makes a read replica.
    """
    point_in_time = any(properties.get(name) is not None
                        for name in ("RestoreTime", "UseLatestRestorableTime"))
    candidates = [(kind_of, _field(properties, name, kind)) for kind_of, name in (
        ("snapshot", "DBSnapshotIdentifier"), ("snapshot", "DBClusterSnapshotIdentifier"),
        ("point-in-time restore source", "SourceDbiResourceId"),
        ("point-in-time restore source", "SourceDBInstanceAutomatedBackupsArn"))]
    if point_in_time:
        candidates.append(("point-in-time restore source",
                           _field(properties, "SourceDBInstanceIdentifier", kind)))
    return data_source(*candidates)


def _public_access(properties: ConfigNode, kind: str) -> Field:
    """PubliclyAccessible, or the API's default when it is left out.

    CreateDBInstance documents no fixed default: the instance is public when its VPC has an
    internet gateway. Without DBSubnetGroupName it goes into the default VPC, which AWS
    creates with an internet gateway; a named subnet group's VPC is not followed.
    """
    written = as_bool(_field(properties, "PubliclyAccessible", kind))
    if written.state is not FieldState.ABSENT:
        return written
    if properties.get("DBClusterIdentifier") is not None:
        return Field(None, FieldState.UNKNOWN, written.attribute,
                     properties.line_of("DBClusterIdentifier"),
                     "an Aurora instance takes the cluster's subnet group, and RDS makes it "
                     "public when that VPC has an internet gateway")
    if properties.get("DBSubnetGroupName") is None:
        return Field(True, FieldState.DEFAULT, written.attribute, None,
                     "RDS default without DBSubnetGroupName: the default VPC has an internet "
                     "gateway, so the instance is public")
    return Field(None, FieldState.UNKNOWN, written.attribute,
                 properties.line_of("DBSubnetGroupName"),
                 "RDS makes the instance public when the subnet group's VPC has an internet "
                 "gateway, which is not followed here")


def build_cluster(resource: ResolvedResource, context: TemplateContext) -> list[DBCluster]:
    properties, kind = resource.properties, resource.type
    source = data_source(("snapshot", _field(properties, "SnapshotIdentifier", kind)),
                         ("point-in-time restore source",
                          _field(properties, "SourceDBClusterIdentifier", kind)),
                         ("replication source",
                          _field(properties, "ReplicationSourceIdentifier", kind)))
    encrypted = storage_encryption(as_bool(_field(properties, "StorageEncrypted", kind)),
                                   source,
                                   serverless=same_text(properties.get("EngineMode"),
                                                        "serverless"))
    return [DBCluster(
        **context.identity(resource), storage_encrypted=encrypted,
        kms_key=inherited_key(_field(properties, "KmsKeyId", kind), source),
        backup_retention_period=_field(properties, "BackupRetentionPeriod", kind),
        # AWS::RDS::DBCluster has no CA property: its instances (or the API) set it.
        **_insights_and_ca(properties, kind, "PerformanceInsightsEnabled",
                           "PerformanceInsightsKmsKeyId", None),
        **_tls(resource, context, "DBClusterParameterGroupName",
               "AWS::RDS::DBClusterParameterGroup"))]


def _insights_and_ca(properties: ConfigNode, kind: str, enabled: str, key: str,
                     ca: str | None) -> dict[str, Field]:
    return {
        "performance_insights_enabled": as_bool(_field(properties, enabled, kind)),
        "performance_insights_kms_key": _field(properties, key, kind),
        "ca_certificate": _field(properties, ca, kind) if ca else Field.absent("ca_certificate"),
    }


def _tls(resource: ResolvedResource, context: TemplateContext, argument: str, group_type: str,
         cluster_member: bool = False) -> dict[str, Field]:
    properties, kind = resource.properties, resource.type
    return tls_fields(_field(properties, "Engine", kind), _field(properties, "EngineVersion", kind),
                      _parameter_group(properties.get(argument), group_type, argument, context),
                      _field(properties, argument, kind), cluster_member)


def _parameter_group(value: Any, group_type: str, name_property: str,
                     context: TemplateContext) -> GroupChoice:
    """The group a database names: in the template, a default group, or Unknown."""
    if value is None or (isinstance(value, str) and value.startswith("default.")):
        return value
    if isinstance(value, Branches):
        return Unknown("the parameter group is chosen by a condition")
    if isinstance(value, Unknown):
        return value
    for candidate in context.of_type(group_type):
        properties = candidate.properties
        if (isinstance(value, ResourceRef) and value.name == candidate.logical_id) or \
                properties.get(name_property) == value:
            parameters = properties.get("Parameters")
            if isinstance(parameters, Unknown):
                return Unknown(f"the Parameters of {candidate.logical_id} are not known")
            found = {name: (item, parameters.line_of(name)) for name, item in
                     parameters.items()} if isinstance(parameters, ConfigNode) else {}
            return ParameterGroup(candidate.logical_id, context.path, properties.get("Family"),
                                  found)
    return Unknown(f"parameter group {value} is not declared in the template")


BUILDERS = {"AWS::RDS::DBInstance": build_instance, "AWS::RDS::DBCluster": build_cluster}
