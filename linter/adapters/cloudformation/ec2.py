"""AWS::EC2::SecurityGroup and AWS::EC2::SecurityGroupIngress (EBS volumes: ebs.py)."""

from __future__ import annotations

from typing import Any

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import blocks, field_at, same_text, value_field
from linter.models.address_ranges import is_whole_internet
from linter.models.aws.ec2 import IngressRule, SecurityGroup, exposure_field
from linter.models.base import Field
from linter.resolve.cloudformation import ResolvedResource
from linter.values import ConfigNode, ResourceRef

_LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
_LISTENER = "AWS::ElasticLoadBalancingV2::Listener"


def build_security_group(resource: ResolvedResource,
                         context: TemplateContext) -> list[SecurityGroup]:
    tolerated = redirect_only_ports(resource, context)
    rules = tuple(
        _ingress_rule(node, f"SecurityGroupIngress[{index}]", line, resource.type,
                      f"Properties.SecurityGroupIngress[{index}].", tolerated)
        for index, (node, line) in enumerate(
            blocks(resource.properties, "SecurityGroupIngress")))
    return [SecurityGroup(**context.identity(resource), ingress=rules)]


def build_security_group_ingress(resource: ResolvedResource,
                                 context: TemplateContext) -> list[SecurityGroup]:
    target = resource.properties.get("GroupId")
    tolerated: tuple[int, ...] = ()
    if isinstance(target, ResourceRef):
        groups = [group for group in context.of_type("AWS::EC2::SecurityGroup")
                  if group.logical_id == target.name]
        tolerated = redirect_only_ports(groups[0], context) if groups else ()
    rule = _ingress_rule(resource.properties, "ingress", resource.line, resource.type,
                         "Properties.", tolerated)
    return [SecurityGroup(**context.identity(resource), ingress=(rule,))]


def _ingress_rule(node: ConfigNode, label: str, line: int, source_type: str, prefix: str,
                  tolerated: tuple[int, ...]) -> IngressRule:
    def read(name: str) -> Field:
        return field_at(node, name, source_type, attribute=prefix + name)

    protocol, from_port, to_port = read("IpProtocol"), read("FromPort"), read("ToPort")
    sources = _sources(node, prefix)
    return IngressRule(label=label, line=line, protocol=protocol, from_port=from_port,
                       to_port=to_port, sources=sources,
                       exposure=exposure_field(protocol, from_port, to_port, sources,
                                               tolerated))


def _sources(node: ConfigNode, prefix: str) -> Field:
    written = [name for name in ("CidrIp", "CidrIpv6") if node.get(name) is not None]
    if not written:
        return Field.absent(f"{prefix}CidrIp")
    opened = [name for name in written if isinstance(node.get(name), str)
              and is_whole_internet(node.get(name))]
    shown = (opened or written)[0]
    return value_field([node.get(name) for name in written], prefix + shown,
                       node.line_of(shown))


# --- port 80 behind a redirecting load balancer ---------------------------------------


def redirect_only_ports(group: ResolvedResource, context: TemplateContext) -> tuple[int, ...]:
    """Ports on which every resource using the group is an ALB that only redirects to HTTPS.

    An internet-facing ALB must accept port 80 to send patients to HTTPS; that listener
    carries no ePHI. Any other user of the group (an instance, a database) voids this.
    """
    users = [resource for resource in context.resources if resource is not group
             and any(_refers(value, group) for value in resource.properties.values.values())]
    if not users or any(user.type != _LOAD_BALANCER for user in users):
        return ()
    per_balancer = [_redirecting_ports(balancer, context) for balancer in users]
    return tuple(sorted(set.intersection(*per_balancer)))


def _refers(value: Any, group: ResolvedResource) -> bool:
    return isinstance(value, list) and any(
        isinstance(item, ResourceRef) and item.name == group.logical_id for item in value)


def _redirecting_ports(balancer: ResolvedResource, context: TemplateContext) -> set[int]:
    by_port: dict[Any, list[bool]] = {}
    for listener in context.referencing(_LISTENER, "LoadBalancerArn", balancer):
        actions = blocks(listener.properties, "DefaultActions")
        redirects = bool(actions) and all(
            same_text(action.get("Type"), "redirect")
            and same_text(field_at(action, "RedirectConfig.Protocol", listener.type).value,
                          "HTTPS")
            for action, _ in actions)
        by_port.setdefault(listener.properties.get("Port"), []).append(redirects)
    return {int(port) for port, flags in by_port.items()
            if isinstance(port, (int, str)) and str(port).isdigit() and all(flags)}


BUILDERS = {
    "AWS::EC2::SecurityGroup": build_security_group,
    "AWS::EC2::SecurityGroupIngress": build_security_group_ingress,
}
