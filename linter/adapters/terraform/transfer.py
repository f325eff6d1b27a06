"""aws_transfer_server."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.transfer import Server
from linter.resolve.terraform import ResolvedBlock


def build_server(block: ResolvedBlock, context: TerraformContext) -> list[Server]:
    return [Server(**context.identity(block),
                   protocols=field_at(block.config, "protocols", block.type),
                   security_policy=field_at(block.config, "security_policy_name", block.type))]


BUILDERS = {"aws_transfer_server": build_server}
