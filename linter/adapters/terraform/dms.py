"""aws_dms_endpoint."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.dms import Endpoint, ssl_configurable
from linter.resolve.terraform import ResolvedBlock


def build_endpoint(block: ResolvedBlock, context: TerraformContext) -> list[Endpoint]:
    engine = field_at(block.config, "engine_name", block.type)
    return [Endpoint(**context.identity(block), engine_name=engine,
                     ssl_configurable=ssl_configurable(engine),
                     ssl_mode=field_at(block.config, "ssl_mode", block.type))]


BUILDERS = {"aws_dms_endpoint": build_endpoint}
