"""google_storage_bucket."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.gcp.storage import Bucket
from linter.resolve.terraform import ResolvedBlock


def build_bucket(block: ResolvedBlock, context: TerraformContext) -> list[Bucket]:
    return [Bucket(**context.identity(block),
                   kms_key=field_at(block.config, "encryption.default_kms_key_name",
                                    block.type))]


BUILDERS = {"google_storage_bucket": build_bucket}
