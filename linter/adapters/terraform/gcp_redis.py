"""google_redis_instance."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.gcp.redis import Instance
from linter.resolve.terraform import ResolvedBlock


def build_instance(block: ResolvedBlock, context: TerraformContext) -> list[Instance]:
    return [Instance(**context.identity(block),
                     transit_encryption_mode=field_at(block.config, "transit_encryption_mode",
                                                      block.type))]


BUILDERS = {"google_redis_instance": build_instance}
