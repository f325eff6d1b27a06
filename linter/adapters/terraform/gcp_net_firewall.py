"""google_compute_firewall and firewall policy rules -> gcp.firewall.FirewallRule.

Code, not a mapping table: an ingress rule's sources depend on which of several
arguments are written (no source at all means 0.0.0.0/0, tags alone mean no CIDR), and
every allow block is judged together with the rule's sources, direction and action.
"""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import as_bool, field_at, lookup
from linter.adapters.terraform import TerraformContext
from linter.models.base import Field, FieldState
from linter.models.gcp.firewall import FirewallRule, Permission
from linter.resolve.terraform import ResolvedBlock
from linter.tables import load_table
from linter.values import ConfigNode, Unknown

_TAG_SOURCES = ("source_tags", "source_service_accounts")


def build_vpc_rule(block: ResolvedBlock, context: TerraformContext) -> list[FirewallRule]:
    config = block.config
    direction = field_at(config, "direction", block.type)
    disabled = as_bool(field_at(config, "disabled", block.type))
    action = Field("allow", FieldState.DEFAULT, "allow", None,
                   "an allow block lets its traffic through")
    sources = _vpc_sources(config)
    allowed = _permissions(config, "allow", "protocol", direction, disabled, action, sources)
    return [FirewallRule(**context.identity(block), direction=direction, disabled=disabled,
                         action=action, sources=sources, allowed=allowed)]


def _vpc_sources(config: ConfigNode) -> Field:
    written = config.get("source_ranges")
    line = config.line_of("source_ranges") if "source_ranges" in config else None
    if isinstance(written, Unknown):
        return Field(None, FieldState.UNKNOWN, "source_ranges", line, written.reason)
    if written is not None and written != []:
        return Field(written, FieldState.SET, "source_ranges", line)
    if any(config.get(name) not in (None, []) for name in _TAG_SOURCES):
        # Tags or service accounts only: the rule admits those VMs, no address range.
        return Field.derived([], "source_ranges", line)
    return Field.default(list(load_table("gcp_net_ports")["ingress_default_sources"]),
                         "source_ranges", "Google Cloud applies 0.0.0.0/0 to an ingress "
                         "rule with no source ranges, tags or service accounts")


def build_policy_rule(block: ResolvedBlock, context: TerraformContext) -> list[FirewallRule]:
    config = block.config
    direction = field_at(config, "direction", block.type)
    disabled = as_bool(field_at(config, "disabled", block.type))
    action = field_at(config, "action", block.type)
    sources = field_at(config, "match.src_ip_ranges", block.type)
    if sources.state is FieldState.ABSENT:
        # Address groups, FQDNs, regions or tags only: no CIDR range is admitted here.
        sources = Field.derived([], "match.src_ip_ranges")
    match, _, _ = lookup(config, "match")
    match_node = match[0] if isinstance(match, list) and match else match
    allowed = _permissions(match_node if isinstance(match_node, ConfigNode) else None,
                           "layer4_configs", "ip_protocol", direction, disabled, action,
                           sources, prefix="match.")
    return [FirewallRule(**context.identity(block), direction=direction, disabled=disabled,
                         action=action, sources=sources, allowed=allowed)]


def _permissions(node: ConfigNode | None, block_name: str, protocol_key: str,
                 direction: Field, disabled: Field, action: Field, sources: Field,
                 prefix: str = "") -> tuple[Permission, ...]:
    if node is None or node.get(block_name) is None:
        return ()
    written = node.get(block_name)
    if isinstance(written, Unknown):  # a dynamic block over a collection known only later
        line = node.line_of(block_name)
        unknown = Field(None, FieldState.UNKNOWN, f"{prefix}{block_name}", line,
                        written.reason)
        return (Permission(label=f"{prefix}{block_name}", line=line, protocol=unknown,
                           ports=unknown,
                           exposure=_exposure(unknown, unknown, direction, disabled, action,
                                              sources, unknown)),)
    items = written if isinstance(written, list) else [written]
    lines = getattr(written, "lines", None)
    permissions = []
    for index, item in enumerate(items):
        if not isinstance(item, ConfigNode):
            continue
        item_line = lines[index] if lines else item.line
        label = f"{prefix}{block_name}[{index}]"
        protocol = field_at(item, protocol_key, "", attribute=f"{label}.{protocol_key}")
        ports = field_at(item, "ports", "", attribute=f"{label}.ports")
        where = ports if ports.line is not None else Field(
            None, FieldState.SET, label, item_line)
        permissions.append(Permission(
            label=label, line=item_line, protocol=protocol, ports=ports,
            exposure=_exposure(protocol, ports, direction, disabled, action, sources, where)))
    return tuple(permissions)


def _exposure(protocol: Field, ports: Field, direction: Field, disabled: Field,
              action: Field, sources: Field, where: Field) -> Field:
    def part(field: Field) -> Any:
        return field.value if field.is_known else Unknown(field.reason or "not known")

    value = {"protocol": part(protocol), "ports": part(ports), "sources": part(sources),
             "direction": part(direction), "disabled": part(disabled),
             "action": part(action), "default_sources": sources.state is FieldState.DEFAULT}
    return Field(value, FieldState.SET, where.attribute, where.line, "", where.path)


BUILDERS = {
    "google_compute_firewall": build_vpc_rule,
    "google_compute_firewall_policy_rule": build_policy_rule,
    "google_compute_network_firewall_policy_rule": build_policy_rule,
    "google_compute_region_network_firewall_policy_rule": build_policy_rule,
}
