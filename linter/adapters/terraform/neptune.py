"""aws_neptune_cluster and its manual snapshots."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform.rds import cluster_snapshot
from linter.models.aws.neptune import Cluster
from linter.models.aws.rds import Snapshot
from linter.models.base import Field
from linter.resolve.terraform import ResolvedBlock


def build_cluster(block: ResolvedBlock, context: TerraformContext) -> list[Cluster]:
    return [Cluster(**context.identity(block), storage_encrypted=_encryption(block),
                    kms_key=field_at(block.config, "kms_key_arn", block.type))]


def build_cluster_snapshot(block: ResolvedBlock, context: TerraformContext) -> list[Snapshot]:
    """aws_neptune_cluster_snapshot: judged as an RDS snapshot (BAK-001)."""
    return cluster_snapshot(block, context, "aws_neptune_cluster", _encryption)


def _encryption(block: ResolvedBlock) -> Field:
    return as_bool(field_at(block.config, "storage_encrypted", block.type))


BUILDERS = {"aws_neptune_cluster": build_cluster,
            "aws_neptune_cluster_snapshot": build_cluster_snapshot}
