"""aws_dax_cluster."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.dax import Cluster
from linter.resolve.terraform import ResolvedBlock


def build_cluster(block: ResolvedBlock, context: TerraformContext) -> list[Cluster]:
    config = block.config
    return [Cluster(**context.identity(block),
                    server_side_encryption=as_bool(field_at(
                        config, "server_side_encryption.enabled", block.type)),
                    endpoint_encryption=field_at(config, "cluster_endpoint_encryption_type",
                                                 block.type))]


BUILDERS = {"aws_dax_cluster": build_cluster}
