"""azurerm_redis_cache."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform._azure_fields import renamed_field
from linter.models.azure.redis import RedisCache
from linter.resolve.terraform import ResolvedBlock


def build_redis_cache(block: ResolvedBlock, context: TerraformContext) -> list[RedisCache]:
    return [RedisCache(
        **context.identity(block),
        non_ssl_port=as_bool(renamed_field(block.config, "non_ssl_port_enabled",
                                           "enable_non_ssl_port", block.type)),
        minimum_tls_version=field_at(block.config, "minimum_tls_version", block.type))]


BUILDERS = {"azurerm_redis_cache": build_redis_cache}
