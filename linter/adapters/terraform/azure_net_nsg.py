"""Network security groups (inline security_rule blocks) and stand-alone
azurerm_network_security_rule resources, as rules the port checks can judge.

Code rather than a mapping table: a rule names its ports and sources in a singular and
a plural attribute (destination_port_range / _ranges, source_address_prefix / _prefixes)
that together form one list, and the check needs them combined with direction, access
and protocol in one value.
"""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import blocks, field_at, value_field
from linter.adapters.terraform import TerraformContext
from linter.models.azure.nsg import NetworkSecurityGroup, NsgRule
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, Unknown

_PORTS = ("destination_port_range", "destination_port_ranges")
_SOURCES = ("source_address_prefix", "source_address_prefixes")


def build_security_group(block: ResolvedBlock,
                         context: TerraformContext) -> list[NetworkSecurityGroup]:
    rules = tuple(_rule(node, line, f"security_rule[{index}]", block.type, "security_rule.")
                  for index, (node, line) in enumerate(blocks(block.config, "security_rule")))
    return [NetworkSecurityGroup(**context.identity(block), rules=rules)]


def build_security_rule(block: ResolvedBlock,
                        context: TerraformContext) -> list[NetworkSecurityGroup]:
    return [NetworkSecurityGroup(**context.identity(block),
                                 rules=(_rule(block.config, block.line, "rule", block.type,
                                              ""),))]


def _rule(node: ConfigNode, line: int, label: str, source_type: str,
          prefix: str) -> NsgRule:
    def one(name: str) -> Field:
        return field_at(node, name, source_type, attribute=prefix + name)

    direction, access, protocol = one("direction"), one("access"), one("protocol")
    ports = _combined(node, _PORTS, prefix)
    sources = _combined(node, _SOURCES, prefix)
    return NsgRule(label=label, line=line, direction=direction, access=access,
                   protocol=protocol, ports=ports, sources=sources,
                   exposure=_exposure(direction, access, protocol, ports, sources, line))


def _combined(node: ConfigNode, names: tuple[str, ...], prefix: str) -> Field:
    """The singular and plural attribute as one list, located at the first written."""
    written = [name for name in names if node.get(name) is not None]
    if not written:
        return Field.absent(prefix + " / ".join(names))
    values: list[Any] = []
    for name in written:
        value = node.get(name)
        if isinstance(value, Unknown):
            return value_field(value, prefix + name, node.line_of(name))
        values.extend(value if isinstance(value, list) else [value])
    return Field.derived(values, prefix + written[0], node.line_of(written[0]))


def _exposure(direction: Field, access: Field, protocol: Field, ports: Field,
              sources: Field, line: int) -> Field:
    """The combined value the port checks judge; unknown parts stay `Unknown` inside."""
    def part(field: Field) -> object:
        return field.value if field.is_known else Unknown(field.reason)

    value = {"direction": part(direction), "access": part(access),
             "protocol": part(protocol), "ports": part(ports), "sources": part(sources)}
    where = sources if sources.state is not FieldState.ABSENT else ports
    return Field(value, FieldState.SET, where.attribute, where.line or line)


BUILDERS = {
    "azurerm_network_security_group": build_security_group,
    "azurerm_network_security_rule": build_security_rule,
}
