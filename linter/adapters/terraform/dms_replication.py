"""aws_dms_replication_instance."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.dms_replication import ReplicationInstance
from linter.resolve.terraform import ResolvedBlock


def build_replication_instance(block: ResolvedBlock,
                               context: TerraformContext) -> list[ReplicationInstance]:
    return [ReplicationInstance(**context.identity(block), publicly_accessible=as_bool(
        field_at(block.config, "publicly_accessible", block.type)))]


BUILDERS = {"aws_dms_replication_instance": build_replication_instance}
