"""aws_neptune_cluster."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.neptune import Cluster
from linter.resolve.terraform import ResolvedBlock


def build_cluster(block: ResolvedBlock, context: TerraformContext) -> list[Cluster]:
    return [Cluster(**context.identity(block),
                    storage_encrypted=as_bool(field_at(block.config, "storage_encrypted",
                                                        block.type)),
                    kms_key=field_at(block.config, "kms_key_arn", block.type))]


BUILDERS = {"aws_neptune_cluster": build_cluster}
