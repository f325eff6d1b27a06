"""Security groups and their stand-alone ingress rule resources (EBS storage: ebs.py)."""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import blocks, field_at, same_text, value_field
from linter.adapters.terraform import TerraformContext
from linter.models.address_ranges import is_whole_internet
from linter.models.aws.ec2 import IngressRule, SecurityGroup, exposure_field
from linter.models.base import Field
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, ResourceRef

_LOAD_BALANCERS = ("aws_lb", "aws_alb")
_LISTENERS = ("aws_lb_listener", "aws_alb_listener")


def build_security_group(block: ResolvedBlock,
                         context: TerraformContext) -> list[SecurityGroup]:
    ingress = blocks(block.config, "ingress")
    tolerated = redirect_only_ports(block, context) if ingress else ()  # (for its rules)
    rules = tuple(
        _ingress_rule(node, f"ingress[{index}]", line, block.type, "protocol",
                      ("cidr_blocks", "ipv6_cidr_blocks"), tolerated)
        for index, (node, line) in enumerate(ingress))
    return [SecurityGroup(**context.identity(block), ingress=rules)]


def build_security_group_rule(block: ResolvedBlock,
                              context: TerraformContext) -> list[SecurityGroup]:
    if block.config.get("type") == "egress":
        return []
    tolerated = _target_tolerance(block, context)
    rule = _ingress_rule(block.config, "ingress", block.line, block.type, "protocol",
                         ("cidr_blocks", "ipv6_cidr_blocks"), tolerated)
    return [SecurityGroup(**context.identity(block), ingress=(rule,))]


def build_vpc_ingress_rule(block: ResolvedBlock,
                           context: TerraformContext) -> list[SecurityGroup]:
    tolerated = _target_tolerance(block, context)
    rule = _ingress_rule(block.config, "ingress", block.line, block.type, "ip_protocol",
                         ("cidr_ipv4", "cidr_ipv6"), tolerated)
    return [SecurityGroup(**context.identity(block), ingress=(rule,))]


def _ingress_rule(node: ConfigNode, label: str, line: int, source_type: str,
                  protocol_name: str, cidr_names: tuple[str, str],
                  tolerated: tuple[int, ...]) -> IngressRule:
    protocol = field_at(node, protocol_name, source_type)
    from_port = field_at(node, "from_port", source_type)
    to_port = field_at(node, "to_port", source_type)
    sources = cidr_sources(node, cidr_names)
    return IngressRule(label=label, line=line, protocol=protocol, from_port=from_port,
                       to_port=to_port, sources=sources,
                       exposure=exposure_field(protocol, from_port, to_port, sources,
                                               tolerated))


def cidr_sources(node: ConfigNode, names: tuple[str, ...]) -> Field:
    """The CIDR ranges of an ingress rule, located at the attribute that opens it widest."""
    values: list[Any] = []
    written = [name for name in names if node.get(name) is not None]
    if not written:
        return Field.absent(" / ".join(names))
    shown = written[0]
    for name in written:
        value = node.get(name)
        items = value if isinstance(value, list) else [value]
        values.extend(items)
        if any(isinstance(item, str) and is_whole_internet(item) for item in items):
            shown = name
            break
    if len(written) == 1 and not isinstance(node.get(shown), list):
        return value_field(node.get(shown), shown, node.line_of(shown))
    return value_field(values, shown, node.line_of(shown))


# --- port 80 behind a redirecting load balancer ---------------------------------------


def redirect_only_ports(group: ResolvedBlock, context: TerraformContext) -> tuple[int, ...]:
    """Ports on which every resource using the group is an ALB that only redirects to HTTPS.

    An internet-facing ALB must accept port 80 to send patients to HTTPS; that listener
    carries no ePHI. Any other user of the group (an instance, a database) voids this.
    Worked out once per group: every rule resource of a group asks the same question.
    """
    known: dict[int, tuple[ResolvedBlock, tuple[int, ...]]] = context.own_memo(
        "ec2_redirect_only_ports", dict)
    entry = known.get(id(group))
    if entry is None or entry[0] is not group:
        entry = known[id(group)] = (group, _redirect_only_ports(group, context))
    return entry[1]


def _redirect_only_ports(group: ResolvedBlock, context: TerraformContext) -> tuple[int, ...]:
    target = (group.type, group.name)
    balancers = context.own_memo("ec2_balancer_list_references", lambda: _list_references(
        [block for kind in _LOAD_BALANCERS for block in context.of_type(kind)])).get(target)
    if not balancers:
        return ()
    ports = set.intersection(*(_redirecting_ports(balancer, context) for balancer in balancers))
    # Any user of the group but a balancer voids the ports. The users are looked for only
    # when there are ports to void: that reads every block of the context, also those no
    # builder reads (evaluated when first read).
    users = context.own_memo("ec2_list_references",
                             lambda: _list_references(context.blocks))[target] if ports else []
    if any(user.type not in _LOAD_BALANCERS and user is not group for user in users):
        return ()
    return tuple(sorted(ports))


def _list_references(candidates: list[ResolvedBlock]
                     ) -> dict[tuple[str, str], list[ResolvedBlock]]:
    """The `candidates` by each (type, name) a list among their arguments refers to
    (`vpc_security_group_ids = [aws_security_group.web.id]`), in the order given, each
    block once per target."""
    found: dict[tuple[str, str], list[ResolvedBlock]] = {}
    for block in candidates:
        targets: dict[tuple[str, str], None] = {}
        for value in block.config.values.values():
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ResourceRef):
                        targets[(item.resource_type, item.name)] = None
        for target in targets:
            found.setdefault(target, []).append(block)
    return found


def _redirecting_ports(balancer: ResolvedBlock, context: TerraformContext) -> set[int]:
    listeners = [listener for kind in _LISTENERS
                 for listener in context.referencing(kind, "load_balancer_arn", balancer)]
    by_port: dict[Any, list[bool]] = {}
    for listener in listeners:
        actions = blocks(listener.config, "default_action")
        redirects = bool(actions) and all(
            same_text(action.get("type"), "redirect")
            and same_text(field_at(action, "redirect.protocol", listener.type).value, "HTTPS")
            for action, _ in actions)
        by_port.setdefault(listener.config.get("port"), []).append(redirects)
    return {int(port) for port, flags in by_port.items()
            if isinstance(port, (int, str)) and str(port).isdigit() and all(flags)}


def _target_tolerance(block: ResolvedBlock, context: TerraformContext) -> tuple[int, ...]:
    target = block.config.get("security_group_id")
    if not isinstance(target, ResourceRef):
        return ()
    for group in context.of_type(target.resource_type):
        if group.name == target.name:
            return redirect_only_ports(group, context)
    return ()


BUILDERS = {
    "aws_security_group": build_security_group,
    "aws_security_group_rule": build_security_group_rule,
    "aws_vpc_security_group_ingress_rule": build_vpc_ingress_rule,
}
