"""Classic Load Balancers: their front-end listeners and SSL negotiation policies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from linter.models.base import Element, Field, FieldState, Resource
from linter.values import Branches, Unknown


@dataclass(frozen=True, kw_only=True)
class Listener(Element):
    """One front-end listener."""

    # The client-facing protocol, upper-cased: HTTP, HTTPS, TCP or SSL.
    protocol: Field


@dataclass(frozen=True, kw_only=True)
class LoadBalancer(Resource):
    """A Classic Load Balancer: the protocols its front-end listeners accept."""

    MODEL = "aws.elb_classic.LoadBalancer"
    ELEMENTS: ClassVar[dict[str, type]] = {"listeners": Listener}

    listeners: tuple[Listener, ...]


@dataclass(frozen=True, kw_only=True)
class NegotiationPolicy(Resource):
    """An SSLNegotiationPolicyType policy (a separate resource or a load balancer's entry)."""

    MODEL = "aws.elb_classic.NegotiationPolicy"

    # What the policy lets clients negotiate: {"reference": predefined policy name or
    # None, "attributes": {attribute name: bool}} where attributes are Protocol-* switches
    # and OpenSSL cipher names. Judged through tables/tls_policies.yaml elb_classic.
    settings: Field


_REFERENCE = "Reference-Security-Policy"


def upper_protocol(field: Field) -> Field:
    """Terraform writes `https`, CloudFormation `HTTPS`: compare them upper-cased."""
    if isinstance(field.value, str):
        return Field(field.value.upper(), field.state, field.attribute, field.line,
                     field.reason, field.path)
    return field


def negotiation_settings(written: Any, pairs: list[tuple[Any, Any, int]], attribute: str,
                         line: int) -> Field:
    """The `settings` of a negotiation policy from its (name, value, line) attributes.

    The field points at the Reference-Security-Policy attribute when there is one, else at
    the first attribute (or the policy itself when it has none).
    """
    if isinstance(written, (Unknown, Branches)) or any(
            not isinstance(name, str) or isinstance(value, (Unknown, Branches))
            for name, value, _ in pairs):
        return Field(None, FieldState.UNKNOWN, attribute, line,
                     "the policy attributes are not known statically")
    reference = next(((value, at) for name, value, at in pairs if name == _REFERENCE), None)
    attributes = {name: str(value).lower() == "true"
                  for name, value, _ in pairs if name != _REFERENCE}
    shown_line = reference[1] if reference else (pairs[0][2] if pairs else line)
    value = {"reference": reference[0] if reference else None, "attributes": attributes}
    return Field.derived(value, attribute, shown_line)
