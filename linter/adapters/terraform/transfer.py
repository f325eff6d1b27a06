"""aws_transfer_server."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.transfer import Server, transfer_logging
from linter.resolve.terraform import ResolvedBlock


def build_server(block: ResolvedBlock, context: TerraformContext) -> list[Server]:
    config = block.config
    return [Server(**context.identity(block),
                   protocols=field_at(config, "protocols", block.type),
                   security_policy=field_at(config, "security_policy_name", block.type),
                   logging=transfer_logging(
                       field_at(config, "logging_role", block.type),
                       field_at(config, "structured_log_destinations", block.type)))]


BUILDERS = {"aws_transfer_server": build_server}
