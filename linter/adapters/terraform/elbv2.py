"""aws_lb_listener (and its alias aws_alb_listener) with the listener rules attached to it."""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import blocks, field_at, lookup
from linter.adapters.terraform import TerraformContext
from linter.models.aws.elbv2 import Listener
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, ResourceRef, Unknown

_LOAD_BALANCER_TYPES = ("aws_lb", "aws_alb")


def build_listener(block: ResolvedBlock, context: TerraformContext) -> list[Listener]:
    protocol = field_at(block.config, "protocol", block.type)
    if protocol.state is FieldState.DEFAULT and _load_balancer_type(block, context) in (
            "network", "gateway"):
        # The provider's HTTP default is for Application Load Balancers only: a Gateway
        # Load Balancer listener has no protocol, and an NLB one must name its own.
        protocol = Field.absent("protocol")
    return [Listener(**context.identity(block), protocol=protocol,
                     ssl_policy=field_at(block.config, "ssl_policy", block.type),
                     default_actions=_default_actions(block.config),
                     rules=Field.derived([_rule(rule) for rule in _rules_of(block, context)],
                                         "aws_lb_listener_rule"))]


def _rules_of(block: ResolvedBlock, context: TerraformContext) -> list[ResolvedBlock]:
    return [rule for rule_type in ("aws_lb_listener_rule", "aws_alb_listener_rule")
            for rule in context.referencing(rule_type, "listener_arn", block)]


def _rule(rule: ResolvedBlock) -> dict[str, Any]:
    """A listener rule as the `redirects_all_traffic_to_https` check reads it."""
    config = rule.config
    priority = config.get("priority")
    actions = _default_actions(config, "action")
    patterns: list[Any] = []
    catch_all = True
    unknown = "" if actions.state is not FieldState.UNKNOWN else actions.reason
    for condition, _ in blocks(config, "condition"):
        values, _, found = lookup(condition, "path_pattern.values")
        if not found or not isinstance(values, list):
            # host_header, http_header, source_ip...: the rule matches only some requests.
            catch_all = False
            patterns.append({key: "..." for key in condition.keys()})
            continue
        if any(isinstance(value, Unknown) for value in values):
            unknown = unknown or "its path pattern is not known"
        patterns.extend(values)
        catch_all = catch_all and any(value in ("*", "/*") for value in values)
    if isinstance(config.get("condition"), Unknown):
        unknown = unknown or "its conditions come from a dynamic block"
    return {"address": rule.address, "priority": priority if isinstance(priority, int) else None,
            "catch_all": catch_all and bool(patterns),
            "conditions": f"path_pattern {patterns}" if patterns else "every path",
            "actions": actions.value, "unknown": unknown}


def _load_balancer_type(block: ResolvedBlock, context: TerraformContext) -> Any:
    reference = block.config.get("load_balancer_arn")
    if not isinstance(reference, ResourceRef) or reference.resource_type not in \
            _LOAD_BALANCER_TYPES:
        return None
    for candidate in context.of_type(reference.resource_type):
        if candidate.name == reference.name:
            # load_balancer_type defaults to "application" in the provider.
            return candidate.config.get("load_balancer_type", "application")
    return None


def _default_actions(config: ConfigNode, key: str = "default_action") -> Field:
    value = config.get(key)
    line = config.line_of(key) if key in config else None
    if isinstance(value, Unknown):
        return Field(None, FieldState.UNKNOWN, key, line, value.reason)
    actions = []
    for action, _ in blocks(config, key):
        kind = action.get("type")
        protocol, _, _ = lookup(action, "redirect.protocol")
        if not isinstance(kind, str) or not isinstance(protocol, (str, type(None))):
            return Field(None, FieldState.UNKNOWN, "default_action.type", action.line_of("type"),
                         "the action type or redirect protocol is not a literal")
        # Action types are lower-case; the provider validates them ignoring case.
        actions.append({"type": kind.lower(), "redirect_protocol": protocol})
    if not actions:
        return Field.absent(key)
    return Field(actions, FieldState.SET, key, line)


BUILDERS = {"aws_lb_listener": build_listener, "aws_alb_listener": build_listener}
