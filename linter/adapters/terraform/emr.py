"""aws_emr_security_configuration."""

from __future__ import annotations

from linter.adapters.terraform import TerraformContext
from linter.models.aws.emr import SecurityConfiguration, encryption_fields
from linter.resolve.terraform import ResolvedBlock


def build_security_configuration(block: ResolvedBlock,
                                 context: TerraformContext) -> list[SecurityConfiguration]:
    config = block.config
    return [SecurityConfiguration(
        **context.identity(block),
        **encryption_fields(config.get("configuration"), "configuration",
                            config.line_of("configuration")))]


BUILDERS = {"aws_emr_security_configuration": build_security_configuration}
