"""aws_redshift_cluster."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.redshift import Cluster
from linter.resolve.terraform import ResolvedBlock


def build_cluster(block: ResolvedBlock, context: TerraformContext) -> list[Cluster]:
    return [Cluster(**context.identity(block),
                    encrypted=field_at(block.config, "encrypted", block.type),
                    kms_key=field_at(block.config, "kms_key_id", block.type))]


BUILDERS = {"aws_redshift_cluster": build_cluster}
