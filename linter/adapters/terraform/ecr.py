"""aws_ecr_repository."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.ecr import Repository
from linter.resolve.terraform import ResolvedBlock


def build_repository(block: ResolvedBlock, context: TerraformContext) -> list[Repository]:
    config = block.config
    return [Repository(**context.identity(block),
                       encryption_type=field_at(config, "encryption_configuration.encryption_type",
                                                block.type),
                       kms_key=field_at(config, "encryption_configuration.kms_key", block.type))]


BUILDERS = {"aws_ecr_repository": build_repository}
