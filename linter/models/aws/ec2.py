"""Amazon EC2: EBS volumes and the security-group rules that admit traffic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, FieldState, Resource, derived_switch
from linter.values import Unknown


@dataclass(frozen=True, kw_only=True)
class Volume(Resource):
    MODEL = "aws.ec2.Volume"

    # True when the volume is encrypted; false or absent: stored in plaintext (the API
    # default, unless the account-level "EBS encryption by default" is on).
    encrypted: Field
    # The KMS key that encrypts it; absent: the AWS-managed alias/aws/ebs key.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.encrypted, lambda value: value is True)


@dataclass(frozen=True, kw_only=True)
class IngressRule(Element):
    """One rule that admits inbound traffic."""

    # tcp, udp, icmp, or -1 / all (every protocol and every port); numbers are IANA ids.
    protocol: Field
    # The first and last port of the admitted range (ignored when the protocol is all).
    from_port: Field
    to_port: Field
    # The IPv4 and IPv6 CIDR ranges admitted; 0.0.0.0/0 and ::/0 mean the whole internet.
    # Rules that admit another security group or a prefix list have no CIDR sources.
    sources: Field
    # Everything above in one value for the port checks: {protocol, from_port, to_port,
    # sources, redirect_only_ports}. `redirect_only_ports` lists the ports on which every
    # load balancer using the group only redirects HTTP to HTTPS. Its line is the line
    # of the CIDR attribute that opens the rule.
    exposure: Field


@dataclass(frozen=True, kw_only=True)
class SecurityGroup(Resource):
    """A security group, or a stand-alone rule resource that adds ingress to one."""

    MODEL = "aws.ec2.SecurityGroup"
    ELEMENTS: ClassVar[dict[str, type]] = {"ingress": IngressRule}

    # Every inbound rule, each judged on its own.
    ingress: tuple[IngressRule, ...]


def exposure_field(protocol: Field, from_port: Field, to_port: Field, sources: Field,
                   redirect_only_ports: tuple[int, ...] = ()) -> Field:
    """The combined value a port check judges, located at the CIDR attribute.

    Unknown parts stay inside the value as `Unknown`: a rule that admits an unknown CIDR
    to a port that carries no plaintext protocol can still pass.
    """
    def part(field: Field) -> object:
        return field.value if field.is_known else Unknown(field.reason)

    value = {"protocol": part(protocol), "from_port": part(from_port),
             "to_port": part(to_port), "sources": part(sources),
             "redirect_only_ports": list(redirect_only_ports)}
    return Field(value, FieldState.SET, sources.attribute, sources.line, "", sources.path)
