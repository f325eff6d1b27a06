"""Elastic Load Balancing v2 listeners (Application and Network Load Balancers)."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Listener(Resource):
    MODEL = "aws.elbv2.Listener"

    # HTTP or HTTPS (ALB), TCP, TLS, UDP or TCP_UDP (NLB); absent on Gateway Load Balancers.
    protocol: Field
    # The ELB security policy name of an HTTPS/TLS listener; absent means the API default
    # (tables/tls_policies.yaml services.elbv2.default) applies.
    ssl_policy: Field
    # The default actions in evaluation order, each {"type": ..., "redirect_protocol": ...}
    # (redirect_protocol only for redirect actions; "#{protocol}" keeps the client's).
    default_actions: Field
