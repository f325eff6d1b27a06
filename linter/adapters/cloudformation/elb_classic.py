"""AWS::ElasticLoadBalancing::LoadBalancer listeners (its policies: elb_classic_policy.py)."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import blocks, field_at
from linter.models.aws.elb_classic import (
    Listener,
    LoadBalancer,
    upper_protocol,
)
from linter.resolve.cloudformation import ResolvedResource


def build_load_balancer(resource: ResolvedResource,
                        context: TemplateContext) -> list[LoadBalancer]:
    listeners = tuple(
        Listener(label=f"Listeners[{index}]", line=line,
                 protocol=upper_protocol(field_at(
                     node, "Protocol", resource.type,
                     attribute=f"Properties.Listeners[{index}].Protocol")))
        for index, (node, line) in enumerate(blocks(resource.properties, "Listeners")))
    return [LoadBalancer(**context.identity(resource), listeners=listeners)]


BUILDERS = {"AWS::ElasticLoadBalancing::LoadBalancer": build_load_balancer}
