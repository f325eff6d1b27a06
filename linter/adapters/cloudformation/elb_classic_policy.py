"""AWS::ElasticLoadBalancing::LoadBalancer SSL negotiation policies (Properties.Policies).

A module of its own because one source type yields a second model here: a builder's
return annotation names the one model it builds.
"""

from __future__ import annotations

from typing import Any

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import blocks, same_text
from linter.models.aws.elb_classic import NegotiationPolicy, negotiation_settings
from linter.models.base import SourceLocation
from linter.resolve.cloudformation import ResolvedResource


def build_policies(resource: ResolvedResource,
                   context: TemplateContext) -> list[NegotiationPolicy]:
    """One model per SSLNegotiationPolicyType entry of Properties.Policies."""
    found = []
    for index, (node, line) in enumerate(blocks(resource.properties, "Policies")):
        if not same_text(node.get("PolicyType"), "SSLNegotiationPolicyType"):
            continue
        pairs: list[tuple[Any, Any, int]] = [
            (item.get("Name"), item.get("Value"), item.line_of("Value"))
            for item, _ in blocks(node, "Attributes")]
        identity = context.identity(resource)
        name = node.get("PolicyName")
        identity["address"] = f"{resource.logical_id}/{name if isinstance(name, str) else index}"
        identity["location"] = SourceLocation(context.path, line, line)
        found.append(NegotiationPolicy(**identity, settings=negotiation_settings(
            node.get("Attributes"), pairs, f"Properties.Policies[{index}].Attributes", line)))
    return found


BUILDERS = {"AWS::ElasticLoadBalancing::LoadBalancer": build_policies}
