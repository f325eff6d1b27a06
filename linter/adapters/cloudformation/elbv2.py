"""AWS::ElasticLoadBalancingV2::Listener with the ListenerRules attached to it."""

from __future__ import annotations

from typing import Any

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
                     default_actions=_default_actions(properties),
                     rules=Field.derived([_rule(rule) for rule in context.referencing(
                         _RULE_TYPE, "ListenerArn", resource)], _RULE_TYPE))]


_RULE_TYPE = "AWS::ElasticLoadBalancingV2::ListenerRule"


def _rule(rule: ResolvedResource) -> dict[str, Any]:
    """A listener rule as the `redirects_all_traffic_to_https` check reads it."""
    properties = rule.properties
    priority = properties.get("Priority")
    actions = _default_actions(properties, "Actions")
    unknown = "" if actions.state is not FieldState.UNKNOWN else actions.reason
    patterns: list[Any] = []
    catch_all = True
    for condition, _ in blocks(properties, "Conditions"):
        values = condition.get("Values")
        if values is None:
            values, _, _ = lookup(condition, "PathPatternConfig.Values")
        if condition.get("Field") != "path-pattern" or not isinstance(values, list):
            catch_all = False
            patterns.append({str(condition.get("Field")): "..."})
            continue
        if any(isinstance(value, Unknown) for value in values):
            unknown = unknown or "its path pattern is not known"
        patterns.extend(values)
        catch_all = catch_all and any(value in ("*", "/*") for value in values)
    if isinstance(priority, str) and priority.isdigit():
        priority = int(priority)
    return {"address": rule.logical_id,
            "priority": priority if isinstance(priority, int) else None,
            "catch_all": catch_all and bool(patterns),
            "conditions": f"path-pattern {patterns}" if patterns else "every path",
            "actions": actions.value, "unknown": unknown}


def _default_actions(properties: ConfigNode, key: str = "DefaultActions") -> Field:
    attribute = f"Properties.{key}"
    value = properties.get(key)
    line = properties.line_of(key) if key in properties else None
    if isinstance(value, Unknown):
        return Field(None, FieldState.UNKNOWN, attribute, line, value.reason)
    actions = []
    for action, action_line in blocks(properties, key):
        kind = action.get("Type")
        protocol, _, _ = lookup(action, "RedirectConfig.Protocol")
        if not isinstance(kind, str) or not isinstance(protocol, (str, type(None))):
            return Field(None, FieldState.UNKNOWN, attribute, action_line,
                         "the action type or redirect protocol is not a literal")
        # Action types are lower-case; compared without case, as the provider validates.
        actions.append({"type": kind.lower(), "redirect_protocol": protocol})
    if not actions:
        return Field.absent(attribute)
    return Field(actions, FieldState.SET, attribute, line)


BUILDERS = {"AWS::ElasticLoadBalancingV2::Listener": build_listener}
