"""aws_eks_cluster (encryption_config holds at most one block)."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.eks import Cluster
from linter.resolve.terraform import ResolvedBlock


def build_cluster(block: ResolvedBlock, context: TerraformContext) -> list[Cluster]:
    config, source_type = block.config, block.type
    return [Cluster(**context.identity(block),
                    encrypted_resources=field_at(config, "encryption_config.resources",
                                                 source_type),
                    kms_key=field_at(config, "encryption_config.provider.key_arn", source_type))]


BUILDERS = {"aws_eks_cluster": build_cluster}
