"""aws_redshift_cluster (with require_ssl from its aws_redshift_parameter_group)."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform.rds import _parameter_group as parameter_group
from linter.models.aws.redshift import Cluster, require_ssl_in_force
from linter.resolve.terraform import ResolvedBlock


def build_cluster(block: ResolvedBlock, context: TerraformContext) -> list[Cluster]:
    return [Cluster(**context.identity(block),
                    encrypted=as_bool(field_at(block.config, "encrypted", block.type)),
                    kms_key=field_at(block.config, "kms_key_id", block.type),
                    require_ssl=require_ssl_in_force(
                        parameter_group(block.config.get("cluster_parameter_group_name"),
                                        "aws_redshift_parameter_group", context),
                        field_at(block.config, "cluster_parameter_group_name", block.type)),
                    publicly_accessible=as_bool(
                        field_at(block.config, "publicly_accessible", block.type)))]


BUILDERS = {"aws_redshift_cluster": build_cluster}
