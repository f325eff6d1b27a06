"""VPC firewall rules and firewall policy rules: who may open which ports on GCP VMs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, Resource


@dataclass(frozen=True, kw_only=True)
class Permission(Element):
    """One `allow` block of a VPC firewall rule, or one `layer4_configs` item of a firewall
    policy rule: a protocol and the ports it opens."""

    # tcp, udp, icmp, sctp, all, ... or an IANA protocol number ("6" is tcp).
    protocol: Field
    # Port numbers and ranges as written ("80", "8000-8080"); absent: every port.
    ports: Field
    # What the port checks judge, as a mapping: protocol, ports, sources (the rule's CIDR
    # sources), direction, disabled and action (allow, deny, goto_next, ...). Unknown parts
    # stay inside as `Unknown`. Located at `ports` when written, else at the block.
    exposure: Field


@dataclass(frozen=True, kw_only=True)
class FirewallRule(Resource):
    """A google_compute_firewall, or a rule of a (network, regional or hierarchical)
    firewall policy."""

    MODEL = "gcp.firewall.FirewallRule"
    ELEMENTS: ClassVar[dict[str, type]] = {"allowed": Permission}

    # INGRESS (the default) or EGRESS.
    direction: Field
    # true: the rule is not enforced; default false.
    disabled: Field
    # allow for a VPC rule's allow blocks; a policy rule's action (allow, deny, goto_next,
    # apply_security_profile_group).
    action: Field
    # The source CIDRs of an ingress rule. A VPC rule with no source_ranges, source_tags
    # or source_service_accounts admits 0.0.0.0/0 (DEFAULT); with only tags or service
    # accounts it admits no CIDR at all (an empty list).
    sources: Field
    # The protocols and ports the rule lets through, each judged on its own.
    allowed: tuple[Permission, ...]
