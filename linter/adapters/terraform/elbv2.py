"""aws_lb_listener and its alias aws_alb_listener."""

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
                     default_actions=_default_actions(block.config))]


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


def _default_actions(config: ConfigNode) -> Field:
    value = config.get("default_action")
    line = config.line_of("default_action") if "default_action" in config else None
    if isinstance(value, Unknown):
        return Field(None, FieldState.UNKNOWN, "default_action", line, value.reason)
    actions = []
    for action, _ in blocks(config, "default_action"):
        kind = action.get("type")
        protocol, _, _ = lookup(action, "redirect.protocol")
        if not isinstance(kind, str) or not isinstance(protocol, (str, type(None))):
            return Field(None, FieldState.UNKNOWN, "default_action.type", action.line_of("type"),
                         "the action type or redirect protocol is not a literal")
        actions.append({"type": kind, "redirect_protocol": protocol})
    if not actions:
        return Field.absent("default_action")
    return Field(actions, FieldState.SET, "default_action", line)


BUILDERS = {"aws_lb_listener": build_listener, "aws_alb_listener": build_listener}
