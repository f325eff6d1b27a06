"""Azure network security groups: what the internet may reach inside a virtual network."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, Resource


@dataclass(frozen=True, kw_only=True)
class NsgRule(Element):
    """One security rule (inline security_rule block or azurerm_network_security_rule)."""

    # Inbound or Outbound (required).
    direction: Field
    # Allow or Deny (required).
    access: Field
    # Tcp, Udp, Icmp, Esp, Ah or * (required).
    protocol: Field
    # The destination ports as a list of texts: "80", "1000-2000" or "*"
    # (destination_port_range and destination_port_ranges together).
    ports: Field
    # The source prefixes as a list: CIDRs, service tags (Internet, VirtualNetwork), "*"
    # (source_address_prefix and source_address_prefixes together); absent when the rule
    # admits application security groups only.
    sources: Field
    # Everything above in one value for the port checks: {direction, access, protocol,
    # ports, sources}; its line is the source prefix's, else the rule's.
    exposure: Field


@dataclass(frozen=True, kw_only=True)
class NetworkSecurityGroup(Resource):
    """A network security group, or a stand-alone rule resource: what each rule admits."""

    MODEL = "azure.nsg.NetworkSecurityGroup"
    ELEMENTS: ClassVar[dict[str, type]] = {"rules": NsgRule}

    # Every rule, each judged on its own; a stand-alone rule resource carries one.
    rules: tuple[NsgRule, ...]
