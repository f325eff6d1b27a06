"""aws_secretsmanager_secret."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.secretsmanager import Secret
from linter.resolve.terraform import ResolvedBlock


def build_secret(block: ResolvedBlock, context: TerraformContext) -> list[Secret]:
    return [Secret(**context.identity(block),
                   kms_key=field_at(block.config, "kms_key_id", block.type))]


BUILDERS = {"aws_secretsmanager_secret": build_secret}
