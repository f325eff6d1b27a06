"""aws_cloudfront_distribution with its origins and cache behaviours."""

from __future__ import annotations

from linter.adapters.fields import as_bool, blocks, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.cloudfront import (
    CacheBehavior,
    Distribution,
    Origin,
    effective_viewer_policy,
)
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, Unknown

_CUSTOM = "custom_origin_config"


def build_distribution(block: ResolvedBlock,
                       context: TerraformContext) -> list[Distribution]:
    config, kind = block.config, block.type
    viewer = effective_viewer_policy(
        as_bool(field_at(config, "viewer_certificate.cloudfront_default_certificate", kind)),
        field_at(config, "viewer_certificate.minimum_protocol_version", kind))
    return [Distribution(**context.identity(block), viewer_minimum_protocol=viewer,
                         origins=_origins(config, kind),
                         cache_behaviors=_cache_behaviors(config, kind))]


def _origins(config: ConfigNode, kind: str) -> tuple[Origin, ...]:
    dynamic = config.get("origin")
    if isinstance(dynamic, Unknown):
        unknown = Field(None, FieldState.UNKNOWN, "origin", config.line_of("origin"),
                        dynamic.reason)
        return (Origin(label="origin", line=config.line_of("origin"), custom=unknown,
                       protocol_policy=unknown, ssl_protocols=unknown),)
    origins = []
    for index, (origin, line) in enumerate(blocks(config, "origin")):
        custom = origin.get(_CUSTOM)
        custom_field = (Field(None, FieldState.UNKNOWN, _CUSTOM, origin.line_of(_CUSTOM),
                              custom.reason) if isinstance(custom, Unknown)
                        else Field.derived(custom is not None, _CUSTOM,
                                           origin.line_of(_CUSTOM) if custom else None))
        origins.append(Origin(
            label=f"origin[{index}]", line=line, custom=custom_field,
            protocol_policy=field_at(origin, f"{_CUSTOM}.origin_protocol_policy", kind,
                                     attribute=f"origin[{index}].{_CUSTOM}."
                                               "origin_protocol_policy"),
            ssl_protocols=field_at(origin, f"{_CUSTOM}.origin_ssl_protocols", kind,
                                   attribute=f"origin[{index}].{_CUSTOM}.origin_ssl_protocols")))
    return tuple(origins)


def _cache_behaviors(config: ConfigNode, kind: str) -> tuple[CacheBehavior, ...]:
    found = []
    for name in ("default_cache_behavior", "ordered_cache_behavior"):
        value = config.get(name)
        if isinstance(value, Unknown):
            unknown = Field(None, FieldState.UNKNOWN, name, config.line_of(name), value.reason)
            found.append(CacheBehavior(label=name, line=config.line_of(name),
                                       path_pattern=unknown, viewer_protocol_policy=unknown))
            continue
        for index, (behavior, line) in enumerate(blocks(config, name)):
            label = name if name == "default_cache_behavior" else f"{name}[{index}]"
            found.append(CacheBehavior(
                label=label, line=line,
                path_pattern=field_at(behavior, "path_pattern", kind,
                                      attribute=f"{label}.path_pattern"),
                viewer_protocol_policy=field_at(behavior, "viewer_protocol_policy", kind,
                                                attribute=f"{label}.viewer_protocol_policy")))
    return tuple(found)


BUILDERS = {"aws_cloudfront_distribution": build_distribution}
