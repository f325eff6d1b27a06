"""aws_db_instance, aws_rds_cluster and manual snapshots (aws_db_snapshot and friends)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from linter.adapters.fields import as_bool, blocks, field_at, same_text
from linter.adapters.terraform import TerraformContext
from linter.models.aws.rds import (
    DataSource,
    DBCluster,
    DBInstance,
    GroupChoice,
    ParameterGroup,
    Snapshot,
    data_source,
    inherited_key,
    storage_encryption,
    tls_fields,
)
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.values import Branches, ResourceRef, Unknown


def build_instance(block: ResolvedBlock, context: TerraformContext) -> list[DBInstance]:
    config = block.config
    # A read replica (same Region) is encrypted with its source's key; whether it is
    # encrypted at all is judged on the source (ENC-003 leaves replicas out).
    source = _restored_instance(block) or data_source(
        ("replication source", field_at(config, "replicate_source_db", block.type)))
    return [DBInstance(
        **context.identity(block), storage_encrypted=_instance_encryption(block),
        kms_key=inherited_key(field_at(config, "kms_key_id", block.type), source),
        # aws_db_instance never joins an Aurora cluster (aws_rds_cluster_instance does).
        cluster=Field.absent("cluster"),
        replica_source=field_at(config, "replicate_source_db", block.type),
        backup_retention_period=field_at(config, "backup_retention_period", block.type),
        publicly_accessible=as_bool(field_at(config, "publicly_accessible", block.type)),
        **_insights_and_ca(block, "ca_cert_identifier"),
        **_tls(block, context, "parameter_group_name", "aws_db_parameter_group"))]


def build_cluster_instance(block: ResolvedBlock, context: TerraformContext) -> list[DBInstance]:
    """An instance of an Aurora cluster: storage, keys, backups and TLS are the cluster's."""
    config = block.config
    cluster = _find(context, "aws_rds_cluster", "cluster_identifier",
                    config.get("cluster_identifier"))
    # The API reports the cluster's retention on each of its instances; do the same, so
    # BAK-003 judges the instance like the live scan does.
    retention = (_inherited(_cluster_retention(cluster), block, "cluster_identifier",
                            f"{cluster.address}: ")
                 if cluster else _outside(block, "cluster_identifier"))
    return [DBInstance(
        **context.identity(block), storage_encrypted=Field.absent("storage_encrypted"),
        kms_key=Field.absent("kms_key_id"),
        cluster=field_at(config, "cluster_identifier", block.type),
        replica_source=Field.absent("replicate_source_db"),
        backup_retention_period=retention,
        publicly_accessible=as_bool(field_at(config, "publicly_accessible", block.type)),
        # Performance Insights and the server certificate are each instance's own.
        **_insights_and_ca(block, "ca_cert_identifier"),
        **tls_fields(field_at(config, "engine", block.type),
                     field_at(config, "engine_version", block.type), None,
                     field_at(config, "db_parameter_group_name", block.type),
                     cluster_member=True))]


def _cluster_retention(cluster: ResolvedBlock) -> Field:
    return field_at(cluster.config, "backup_retention_period", cluster.type)


def build_cluster(block: ResolvedBlock, context: TerraformContext) -> list[DBCluster]:
    config = block.config
    return [DBCluster(
        **context.identity(block), storage_encrypted=_cluster_encryption(block),
        kms_key=inherited_key(field_at(config, "kms_key_id", block.type),
                              _cluster_source(block)),
        backup_retention_period=field_at(config, "backup_retention_period", block.type),
        # Set on Multi-AZ DB clusters; Aurora clusters leave both to their instances.
        **_insights_and_ca(block, "ca_certificate_identifier"),
        **_tls(block, context, "db_cluster_parameter_group_name",
               "aws_rds_cluster_parameter_group"))]


def _insights_and_ca(block: ResolvedBlock, ca_argument: str) -> dict[str, Field]:
    config = block.config
    return {
        "performance_insights_enabled": as_bool(field_at(config, "performance_insights_enabled",
                                                         block.type)),
        "performance_insights_kms_key": field_at(config, "performance_insights_kms_key_id",
                                                 block.type),
        "ca_certificate": field_at(config, ca_argument, block.type),
    }


def _tls(block: ResolvedBlock, context: TerraformContext, argument: str,
         group_type: str) -> dict[str, Field]:
    config = block.config
    return tls_fields(field_at(config, "engine", block.type),
                      field_at(config, "engine_version", block.type),
                      _parameter_group(config.get(argument), group_type, context),
                      field_at(config, argument, block.type))


def _parameter_group(value: Any, group_type: str, context: TerraformContext) -> GroupChoice:
    """The group an instance or cluster names: in the scan, a default group, or Unknown."""
    if value is None or (isinstance(value, str) and value.startswith("default.")):
        return value
    if isinstance(value, Branches):
        return Unknown("the parameter group is chosen by a conditional")
    if isinstance(value, Unknown):
        return value
    for candidate in context.of_type(group_type):
        if (isinstance(value, ResourceRef) and value.resource_type == group_type
                and value.name == candidate.name) or candidate.config.get("name") == value:
            if isinstance(candidate.config.get("parameter"), Unknown):
                return Unknown(f"the parameters of {candidate.address} come from a dynamic block")
            parameters = {item.get("name"): (item.get("value"), item.line_of("value"))
                          for item, _ in blocks(candidate.config, "parameter")
                          if isinstance(item.get("name"), str)}
            return ParameterGroup(candidate.address, candidate.path,
                                  candidate.config.get("family"), parameters)
    return Unknown(f"parameter group {value} is not declared in the scanned files")


def _instance_encryption(block: ResolvedBlock) -> Field:
    return storage_encryption(as_bool(field_at(block.config, "storage_encrypted", block.type)),
                              _restored_instance(block))


def _cluster_encryption(block: ResolvedBlock) -> Field:
    config = block.config
    return storage_encryption(as_bool(field_at(config, "storage_encrypted", block.type)),
                              _cluster_source(block),
                              serverless=same_text(config.get("engine_mode"), "serverless"))


# s3_import is no source here: RDS builds the database from backup files in S3, which
# carry no RDS encryption, and encrypts it as the arguments say (default key and all).
_INSTANCE_RESTORE_SOURCES = ("source_db_instance_identifier", "source_dbi_resource_id",
                             "source_db_instance_automated_backups_arn")
_CLUSTER_RESTORE_SOURCES = ("source_cluster_identifier", "source_cluster_resource_id")


def _restored_instance(block: ResolvedBlock) -> DataSource | None:
    """The snapshot or database an aws_db_instance is restored from, if any."""
    return data_source(("snapshot", field_at(block.config, "snapshot_identifier", block.type)),
                       ("point-in-time restore source",
                        _restore_source(block, _INSTANCE_RESTORE_SOURCES)))


def _cluster_source(block: ResolvedBlock) -> DataSource | None:
    """The snapshot, cluster or database an aws_rds_cluster copies its data from, if any."""
    config = block.config
    return data_source(("snapshot", field_at(config, "snapshot_identifier", block.type)),
                       ("replication source",
                        field_at(config, "replication_source_identifier", block.type)),
                       ("point-in-time restore source",
                        _restore_source(block, _CLUSTER_RESTORE_SOURCES)))


def _restore_source(block: ResolvedBlock, arguments: tuple[str, ...]) -> Field:
    """The argument of the restore_to_point_in_time block naming its source, or the
    block itself when it names none that can be read."""
    block_field = field_at(block.config, "restore_to_point_in_time", block.type)
    if block_field.state is not FieldState.SET:
        return block_field
    for argument in arguments:
        named = field_at(block.config, f"restore_to_point_in_time.{argument}", block.type)
        if named.state is not FieldState.ABSENT:
            return named
    return block_field


# --- snapshots ------------------------------------------------------------------------

# Snapshot type -> (argument naming the source, source type, the source's own name).
_SOURCES = {
    "aws_db_snapshot": ("db_instance_identifier", "aws_db_instance", "identifier"),
    "aws_db_cluster_snapshot": ("db_cluster_identifier", "aws_rds_cluster",
                                "cluster_identifier"),
}
_ENCRYPTION = {"aws_db_instance": _instance_encryption, "aws_rds_cluster": _cluster_encryption}


def build_snapshot(block: ResolvedBlock, context: TerraformContext) -> list[Snapshot]:
    return [Snapshot(**context.identity(block), encrypted=_snapshot_encryption(block, context),
                     kms_key=Field.absent("kms_key_id"), copy=_COPY_NO)]


# Whether a snapshot is a copy is a fact of its source type.
_COPY_NO = Field(False, FieldState.DEFAULT, "copy", None, "a snapshot taken of a database")
_COPY_YES = Field(True, FieldState.DEFAULT, "copy", None, "a copy of another snapshot")


def build_snapshot_copy(block: ResolvedBlock, context: TerraformContext) -> list[Snapshot]:
    key = field_at(block.config, "kms_key_id", block.type)
    if key.state is FieldState.SET:
        # A copy with its own key is encrypted whatever its source was.
        encrypted = Field.derived(True, "kms_key_id", key.line)
    else:
        argument = "source_db_snapshot_identifier"
        source = _find(context, "aws_db_snapshot", "db_snapshot_identifier",
                       block.config.get(argument))
        encrypted = (_inherited(_snapshot_encryption(source, context), block, argument)
                     if source else _outside(block, argument))
    return [Snapshot(**context.identity(block), encrypted=encrypted, kms_key=key, copy=_COPY_YES)]


def build_cluster_snapshot_copy(block: ResolvedBlock,
                                context: TerraformContext) -> list[Snapshot]:
    """aws_rds_cluster_snapshot_copy: a copy with its own key is encrypted; one without
    keeps its source's encryption, which is followed when the scan declares the source."""
    key = field_at(block.config, "kms_key_id", block.type)
    argument = "source_db_cluster_snapshot_identifier"
    if key.state is FieldState.SET:
        encrypted = Field.derived(True, "kms_key_id", key.line)
    else:
        source = _find(context, "aws_db_cluster_snapshot", "db_cluster_snapshot_identifier",
                       block.config.get(argument))
        encrypted = (_inherited(_snapshot_encryption(source, context), block, argument)
                     if source else _outside(block, argument))
    return [Snapshot(**context.identity(block), encrypted=encrypted, kms_key=key, copy=_COPY_YES)]


def cluster_snapshot(block: ResolvedBlock, context: TerraformContext, cluster_type: str,
                     encryption: Callable[[ResolvedBlock], Field]) -> list[Snapshot]:
    """A manual snapshot of a Neptune or DocumentDB cluster (they share the RDS snapshot
    model): encrypted exactly when its cluster is, with the cluster's key, so it is
    judged on the cluster named by db_cluster_identifier when the scan declares it."""
    argument = "db_cluster_identifier"
    source = _find(context, cluster_type, "cluster_identifier", block.config.get(argument))
    encrypted = (_inherited(encryption(source), block, argument, f"{source.address}: ")
                 if source else _outside(block, argument))
    return [Snapshot(**context.identity(block), encrypted=encrypted,
                     kms_key=Field.absent("kms_key_id"), copy=_COPY_NO)]


def _snapshot_encryption(block: ResolvedBlock, context: TerraformContext) -> Field:
    argument, source_type, name_argument = _SOURCES[block.type]
    source = _find(context, source_type, name_argument, block.config.get(argument))
    if source is None:
        return _outside(block, argument)
    return _inherited(_ENCRYPTION[source_type](source), block, argument,
                      f"{source.address}: ")


def _inherited(source_field: Field, block: ResolvedBlock, argument: str,
               prefix: str = "") -> Field:
    """The source's encryption, shown at the argument of `block` that names the source."""
    return Field(source_field.value, source_field.state, prefix + source_field.attribute,
                 block.config.line_of(argument), source_field.reason)


def _outside(block: ResolvedBlock, argument: str) -> Field:
    return Field(None, FieldState.UNKNOWN, argument, block.config.line_of(argument),
                 "the source is not declared in the scanned files")


def _find(context: TerraformContext, source_type: str, name_argument: str,
          value: Any) -> ResolvedBlock | None:
    for candidate in context.of_type(source_type):
        if isinstance(value, ResourceRef):
            if value.resource_type == source_type and value.name == candidate.name:
                return candidate
        elif value is not None and candidate.config.get(name_argument) == value:
            return candidate
    return None


BUILDERS = {
    "aws_db_instance": build_instance,
    "aws_rds_cluster": build_cluster,
    "aws_rds_cluster_instance": build_cluster_instance,
    "aws_db_snapshot": build_snapshot,
    "aws_db_cluster_snapshot": build_snapshot,
    "aws_db_snapshot_copy": build_snapshot_copy,
    "aws_rds_cluster_snapshot_copy": build_cluster_snapshot_copy,
}
