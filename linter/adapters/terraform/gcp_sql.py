"""google_sql_database_instance."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.gcp.sql import DatabaseInstance
from linter.resolve.terraform import ResolvedBlock


def build_instance(block: ResolvedBlock,
                   context: TerraformContext) -> list[DatabaseInstance]:
    config = block.config
    return [DatabaseInstance(
        **context.identity(block),
        ssl_mode=field_at(config, "settings.ip_configuration.ssl_mode", block.type),
        require_ssl=as_bool(field_at(config, "settings.ip_configuration.require_ssl",
                                     block.type)),
        kms_key=field_at(config, "encryption_key_name", block.type))]


BUILDERS = {"google_sql_database_instance": build_instance}
