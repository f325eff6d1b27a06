"""AWS::CloudFront::Distribution with its origins and cache behaviours."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, blocks, field_at
from linter.models.aws.cloudfront import (
    CacheBehavior,
    Distribution,
    Origin,
    effective_viewer_policy,
)
from linter.models.base import Field
from linter.resolve.cloudformation import ResolvedResource
from linter.values import ConfigNode

_CONFIG = "DistributionConfig"
_CUSTOM = "CustomOriginConfig"


def build_distribution(resource: ResolvedResource,
                       context: TemplateContext) -> list[Distribution]:
    properties, kind = resource.properties, resource.type
    certificate = f"{_CONFIG}.ViewerCertificate"
    viewer = effective_viewer_policy(
        as_bool(field_at(properties, f"{certificate}.CloudFrontDefaultCertificate", kind,
                         attribute=f"Properties.{certificate}.CloudFrontDefaultCertificate")),
        field_at(properties, f"{certificate}.MinimumProtocolVersion", kind,
                 attribute=f"Properties.{certificate}.MinimumProtocolVersion"))
    return [Distribution(**context.identity(resource), viewer_minimum_protocol=viewer,
                         origins=_origins(properties, kind),
                         cache_behaviors=_cache_behaviors(properties, kind))]


def _origins(properties: ConfigNode, kind: str) -> tuple[Origin, ...]:
    origins = []
    for index, (origin, line) in enumerate(blocks(properties, f"{_CONFIG}.Origins")):
        shown = f"Properties.{_CONFIG}.Origins[{index}].{_CUSTOM}"
        has_custom = _CUSTOM in origin
        origins.append(Origin(
            label=f"Origins[{index}]", line=line,
            custom=Field.derived(has_custom, shown,
                                 origin.line_of(_CUSTOM) if has_custom else None),
            protocol_policy=field_at(origin, f"{_CUSTOM}.OriginProtocolPolicy", kind,
                                     attribute=f"{shown}.OriginProtocolPolicy"),
            ssl_protocols=field_at(origin, f"{_CUSTOM}.OriginSSLProtocols", kind,
                                   attribute=f"{shown}.OriginSSLProtocols")))
    return tuple(origins)


def _cache_behaviors(properties: ConfigNode, kind: str) -> tuple[CacheBehavior, ...]:
    found = []
    behaviors = [("DefaultCacheBehavior", item) for item in
                 blocks(properties, f"{_CONFIG}.DefaultCacheBehavior")]
    behaviors += [(f"CacheBehaviors[{index}]", item) for index, item in
                  enumerate(blocks(properties, f"{_CONFIG}.CacheBehaviors"))]
    for label, (behavior, line) in behaviors:
        shown = f"Properties.{_CONFIG}.{label}"
        found.append(CacheBehavior(
            label=label, line=line,
            path_pattern=field_at(behavior, "PathPattern", kind,
                                  attribute=f"{shown}.PathPattern"),
            viewer_protocol_policy=field_at(behavior, "ViewerProtocolPolicy", kind,
                                            attribute=f"{shown}.ViewerProtocolPolicy")))
    return tuple(found)


BUILDERS = {"AWS::CloudFront::Distribution": build_distribution}
