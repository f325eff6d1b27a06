"""aws_api_gateway_method_settings: the cache settings of a REST API stage's methods."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.apigateway_stage import MethodSetting, StageSettings
from linter.resolve.terraform import ResolvedBlock


def build_method_settings(block: ResolvedBlock,
                          context: TerraformContext) -> list[StageSettings]:
    config = block.config
    path = config.get("method_path")
    # One `settings` block per resource (the provider allows at most one).
    setting = MethodSetting(
        label=f"settings ({path})" if isinstance(path, str) else "settings",
        line=config.line_of("settings"),
        caching_enabled=as_bool(field_at(config, "settings.caching_enabled", block.type)),
        cache_data_encrypted=as_bool(field_at(config, "settings.cache_data_encrypted",
                                              block.type)))
    return [StageSettings(**context.identity(block), method_settings=(setting,))]


BUILDERS = {"aws_api_gateway_method_settings": build_method_settings}
