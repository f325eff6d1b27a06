"""aws_docdb_cluster (with the TLS setting of its aws_docdb_cluster_parameter_group), and
its manual snapshots."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform.rds import _parameter_group as parameter_group
from linter.adapters.terraform.rds import cluster_snapshot
from linter.models.aws.docdb import Cluster, tls_in_force
from linter.models.aws.rds import Snapshot
from linter.models.base import Field
from linter.resolve.terraform import ResolvedBlock


def build_cluster(block: ResolvedBlock, context: TerraformContext) -> list[Cluster]:
    config = block.config
    argument = field_at(config, "db_cluster_parameter_group_name", block.type)
    group = parameter_group(config.get("db_cluster_parameter_group_name"),
                            "aws_docdb_cluster_parameter_group", context)
    return [Cluster(**context.identity(block),
                    storage_encrypted=_encryption(block),
                    kms_key=field_at(config, "kms_key_id", block.type),
                    tls=tls_in_force(group, argument))]


def build_cluster_snapshot(block: ResolvedBlock, context: TerraformContext) -> list[Snapshot]:
    """aws_docdb_cluster_snapshot: judged as an RDS snapshot (BAK-001)."""
    return cluster_snapshot(block, context, "aws_docdb_cluster", _encryption)


def _encryption(block: ResolvedBlock) -> Field:
    return as_bool(field_at(block.config, "storage_encrypted", block.type))


BUILDERS = {"aws_docdb_cluster": build_cluster,
            "aws_docdb_cluster_snapshot": build_cluster_snapshot}
