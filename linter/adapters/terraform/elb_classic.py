"""aws_elb listeners, and the SSL negotiation policies of aws_load_balancer_policy and
aws_lb_ssl_negotiation_policy."""

from __future__ import annotations

from linter.adapters.fields import blocks, field_at, same_text
from linter.adapters.terraform import TerraformContext
from linter.models.aws.elb_classic import (
    Listener,
    LoadBalancer,
    NegotiationPolicy,
    negotiation_settings,
    upper_protocol,
)
from linter.resolve.terraform import ResolvedBlock


def build_load_balancer(block: ResolvedBlock, context: TerraformContext) -> list[LoadBalancer]:
    listeners = tuple(
        Listener(label=f"listener[{index}]", line=line,
                 protocol=upper_protocol(field_at(node, "lb_protocol", block.type,
                                                  attribute=f"listener[{index}].lb_protocol")))
        for index, (node, line) in enumerate(blocks(block.config, "listener")))
    return [LoadBalancer(**context.identity(block), listeners=listeners)]


def build_policy(block: ResolvedBlock, context: TerraformContext) -> list[NegotiationPolicy]:
    if not same_text(block.config.get("policy_type_name"), "SSLNegotiationPolicyType"):
        return []
    return _policy(block, context, "policy_attribute")


def build_negotiation_policy(block: ResolvedBlock,
                             context: TerraformContext) -> list[NegotiationPolicy]:
    return _policy(block, context, "attribute")


def _policy(block: ResolvedBlock, context: TerraformContext,
            attribute_block: str) -> list[NegotiationPolicy]:
    pairs = [(node.get("name"), node.get("value"), node.line_of("value"))
             for node, _ in blocks(block.config, attribute_block)]
    return [NegotiationPolicy(**context.identity(block),
                              settings=negotiation_settings(
                                  block.config.get(attribute_block), pairs, attribute_block,
                                  block.line))]


BUILDERS = {
    "aws_elb": build_load_balancer,
    "aws_load_balancer_policy": build_policy,
    "aws_lb_ssl_negotiation_policy": build_negotiation_policy,
}
