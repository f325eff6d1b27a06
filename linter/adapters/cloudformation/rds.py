"""AWS::RDS::DBInstance and AWS::RDS::DBCluster."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.rds import DBCluster, DBInstance, storage_encryption
from linter.models.base import Field, FieldState
from linter.resolve.cloudformation import ResolvedResource
from linter.values import ConfigNode


def _field(properties: ConfigNode, path: str, source_type: str) -> Field:
    return field_at(properties, path, source_type, attribute=f"Properties.{path}")


def build_instance(resource: ResolvedResource, context: TemplateContext) -> list[DBInstance]:
    properties, kind = resource.properties, resource.type
    encrypted = storage_encryption(as_bool(_field(properties, "StorageEncrypted", kind)),
                                   _field(properties, "DBSnapshotIdentifier", kind))
    return [DBInstance(
        **context.identity(resource), storage_encrypted=encrypted,
        kms_key=_field(properties, "KmsKeyId", kind),
        cluster=_field(properties, "DBClusterIdentifier", kind),
        replica_source=_field(properties, "SourceDBInstanceIdentifier", kind),
        backup_retention_period=_field(properties, "BackupRetentionPeriod", kind))]


def build_cluster(resource: ResolvedResource, context: TemplateContext) -> list[DBCluster]:
    properties, kind = resource.properties, resource.type
    restored = _field(properties, "SnapshotIdentifier", kind)
    if restored.state is FieldState.ABSENT:
        restored = _field(properties, "SourceDBClusterIdentifier", kind)
    encrypted = storage_encryption(as_bool(_field(properties, "StorageEncrypted", kind)),
                                   restored,
                                   serverless=properties.get("EngineMode") == "serverless")
    return [DBCluster(
        **context.identity(resource), storage_encrypted=encrypted,
        kms_key=_field(properties, "KmsKeyId", kind),
        backup_retention_period=_field(properties, "BackupRetentionPeriod", kind))]


BUILDERS = {"AWS::RDS::DBInstance": build_instance, "AWS::RDS::DBCluster": build_cluster}
