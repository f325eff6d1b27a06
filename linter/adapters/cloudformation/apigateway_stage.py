"""AWS::ApiGateway::Stage method settings, and the stage an AWS::ApiGateway::Deployment
creates through StageDescription (the response cache of a REST API stage)."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, blocks, field_at
from linter.models.aws.apigateway_stage import MethodSetting, StageSettings
from linter.resolve.cloudformation import ResolvedResource
from linter.values import ConfigNode


def build_stage(resource: ResolvedResource, context: TemplateContext) -> list[StageSettings]:
    settings = _method_settings(resource.properties, "MethodSettings", resource.type)
    return [StageSettings(**context.identity(resource), method_settings=tuple(settings))]


def build_deployment(resource: ResolvedResource,
                     context: TemplateContext) -> list[StageSettings]:
    """A deployment's StageDescription: its own CachingEnabled / CacheDataEncrypted apply to
    every method (`*/*`), and its MethodSettings to the methods they name."""
    description = resource.properties.get("StageDescription")
    if not isinstance(description, ConfigNode):
        return []
    prefix = "StageDescription."
    settings = []
    if "CachingEnabled" in description or "CacheDataEncrypted" in description:
        settings.append(_setting(description, "StageDescription (every method)",
                                 resource.properties.line_of("StageDescription"),
                                 f"Properties.{prefix}", resource.type))
    settings += _method_settings(description, "MethodSettings", resource.type,
                                 shown=f"{prefix}MethodSettings")
    return [StageSettings(**context.identity(resource), method_settings=tuple(settings))]


def _method_settings(node: ConfigNode, path: str, kind: str,
                     shown: str = "MethodSettings") -> list[MethodSetting]:
    return [_setting(item, f"{shown}[{index}]", line, f"Properties.{shown}[{index}].", kind)
            for index, (item, line) in enumerate(blocks(node, path))]


def _setting(node: ConfigNode, label: str, line: int, prefix: str, kind: str) -> MethodSetting:
    return MethodSetting(
        label=label, line=line,
        caching_enabled=as_bool(field_at(node, "CachingEnabled", kind,
                                         attribute=prefix + "CachingEnabled")),
        cache_data_encrypted=as_bool(field_at(node, "CacheDataEncrypted", kind,
                                              attribute=prefix + "CacheDataEncrypted")))


BUILDERS = {"AWS::ApiGateway::Stage": build_stage, "AWS::ApiGateway::Deployment": build_deployment}
