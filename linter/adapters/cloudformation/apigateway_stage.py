"""AWS::ApiGateway::Stage method settings (the response cache of a REST API stage)."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, blocks, field_at
from linter.models.aws.apigateway_stage import MethodSetting, StageSettings
from linter.resolve.cloudformation import ResolvedResource


def build_stage(resource: ResolvedResource, context: TemplateContext) -> list[StageSettings]:
    settings = []
    for index, (node, line) in enumerate(blocks(resource.properties, "MethodSettings")):
        prefix = f"Properties.MethodSettings[{index}]."
        settings.append(MethodSetting(
            label=f"MethodSettings[{index}]", line=line,
            caching_enabled=as_bool(field_at(node, "CachingEnabled", resource.type,
                                             attribute=prefix + "CachingEnabled")),
            cache_data_encrypted=as_bool(field_at(node, "CacheDataEncrypted", resource.type,
                                                  attribute=prefix + "CacheDataEncrypted"))))
    return [StageSettings(**context.identity(resource), method_settings=tuple(settings))]


BUILDERS = {"AWS::ApiGateway::Stage": build_stage}
