"""AWS::ElasticLoadBalancingV2::Listener."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import blocks, field_at, lookup
from linter.models.aws.elbv2 import Listener
from linter.models.base import Field, FieldState
from linter.resolve.cloudformation import ResolvedResource
from linter.values import ConfigNode, Unknown


def build_listener(resource: ResolvedResource, context: TemplateContext) -> list[Listener]:
    properties = resource.properties
    return [Listener(**context.identity(resource),
                     protocol=field_at(properties, "Protocol", resource.type,
                                       attribute="Properties.Protocol"),
                     ssl_policy=field_at(properties, "SslPolicy", resource.type,
                                         attribute="Properties.SslPolicy"),
                     default_actions=_default_actions(properties))]


def _default_actions(properties: ConfigNode) -> Field:
    attribute = "Properties.DefaultActions"
    value = properties.get("DefaultActions")
    line = properties.line_of("DefaultActions") if "DefaultActions" in properties else None
    if isinstance(value, Unknown):
        return Field(None, FieldState.UNKNOWN, attribute, line, value.reason)
    actions = []
    for action, action_line in blocks(properties, "DefaultActions"):
        kind = action.get("Type")
        protocol, _, _ = lookup(action, "RedirectConfig.Protocol")
        if not isinstance(kind, str) or not isinstance(protocol, (str, type(None))):
            return Field(None, FieldState.UNKNOWN, attribute, action_line,
                         "the action type or redirect protocol is not a literal")
        actions.append({"type": kind, "redirect_protocol": protocol})
    if not actions:
        return Field.absent(attribute)
    return Field(actions, FieldState.SET, attribute, line)


BUILDERS = {"AWS::ElasticLoadBalancingV2::Listener": build_listener}
