"""aws_docdb_cluster (with the TLS setting of its aws_docdb_cluster_parameter_group)."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform.rds import _parameter_group as parameter_group
from linter.models.aws.docdb import Cluster, tls_in_force
from linter.resolve.terraform import ResolvedBlock


def build_cluster(block: ResolvedBlock, context: TerraformContext) -> list[Cluster]:
    config = block.config
    argument = field_at(config, "db_cluster_parameter_group_name", block.type)
    group = parameter_group(config.get("db_cluster_parameter_group_name"),
                            "aws_docdb_cluster_parameter_group", context)
    return [Cluster(**context.identity(block),
                    storage_encrypted=as_bool(field_at(config, "storage_encrypted", block.type)),
                    kms_key=field_at(config, "kms_key_id", block.type),
                    tls=tls_in_force(group, argument))]


BUILDERS = {"aws_docdb_cluster": build_cluster}
