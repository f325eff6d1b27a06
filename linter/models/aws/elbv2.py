"""Elastic Load Balancing v2 listeners (Application and Network Load Balancers)."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, FieldState, Resource


@dataclass(frozen=True, kw_only=True)
class Listener(Resource):
    """An ALB or NLB listener: its protocol and TLS policy, and what answers plain HTTP."""

    MODEL = "aws.elbv2.Listener"

    # HTTP or HTTPS (ALB), TCP, TLS, UDP or TCP_UDP (NLB); absent on Gateway Load Balancers.
    protocol: Field
    # The ELB security policy name of an HTTPS/TLS listener; absent means the API default
    # (tables/tls_policies.yaml services.elbv2.default) applies.
    ssl_policy: Field
    # The default actions in evaluation order, each {"type": ..., "redirect_protocol": ...}
    # (redirect_protocol only for redirect actions; "#{protocol}" keeps the client's).
    default_actions: Field
    # The listener rules of the scan that attach to this listener, each {"address",
    # "priority" (int or None when not known), "catch_all" (every path), "conditions"
    # (shown in messages), "actions" (as default_actions), "unknown" (why it cannot be
    # read, or "")}. Rules run before the default action; an empty list when none.
    rules: Field

    @property
    def http_handling(self) -> Field:
        """What answers plain HTTP: the default actions and the rules, judged together.

        The finding stays on the line that makes the listener plaintext (`protocol`), or on
        the default action when the protocol is the provider default.
        """
        actions = self.default_actions
        if actions.state is FieldState.UNKNOWN:
            return actions
        anchor = self.protocol if self.protocol.line else actions
        value = {"default_actions": actions.value, "rules": self.rules.value or []}
        return Field(value, FieldState.SET, anchor.attribute, anchor.line)
