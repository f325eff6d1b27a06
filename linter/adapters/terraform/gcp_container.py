"""google_container_cluster."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.gcp.container import Cluster
from linter.resolve.terraform import ResolvedBlock


def build_cluster(block: ResolvedBlock, context: TerraformContext) -> list[Cluster]:
    config = block.config
    return [Cluster(**context.identity(block),
                    secrets_encryption=field_at(config, "database_encryption.state", block.type),
                    kms_key=field_at(config, "database_encryption.key_name", block.type))]


BUILDERS = {"google_container_cluster": build_cluster}
