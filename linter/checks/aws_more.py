"""What a Classic Load Balancer SSL negotiation policy lets clients negotiate.

A policy either names a predefined policy (Reference-Security-Policy, judged from
tables/tls_policies.yaml `elb_classic`) or lists its own Protocol-* switches and OpenSSL
cipher names set to true. Both forms are judged by what they allow, not by their name.
"""

from __future__ import annotations

from typing import Any

from linter.checks import CheckResult
from linter.checks.tls_policies import tls_policy_minimum, tls_policy_strong_ciphers
from linter.tables import list_suites, protocol_rank, weak_suites

_SERVICE = "elb_classic"
_NOT_CIPHERS = ("Server-Defined-Cipher-Order",)


def _custom(value: Any) -> tuple[str | None, dict[str, bool]]:
    value = value or {}
    return value.get("reference"), dict(value.get("attributes") or {})


def classic_policy_minimum(value: Any, *, minimum: str = "TLSv1.2", **_: Any) -> CheckResult:
    """Passes when the oldest protocol the policy enables is `minimum` or newer."""
    reference, attributes = _custom(value)
    if reference is not None:
        return tls_policy_minimum(reference, service=_SERVICE, minimum=minimum)
    protocols = [name.removeprefix("Protocol-") for name, enabled in attributes.items()
                 if enabled and name.startswith("Protocol-")]
    if not protocols:
        return CheckResult(None, "the policy names no predefined policy and enables no protocol")
    lowest = min(protocols, key=protocol_rank)
    if protocol_rank(lowest) < protocol_rank(minimum):
        return CheckResult(False, f"the custom policy enables {lowest}, older than {minimum}")
    return CheckResult(True, f"the custom policy enables {lowest} at the oldest")


def classic_policy_strong_ciphers(value: Any, **_: Any) -> CheckResult:
    """Passes when every enabled suite is forward-secret and AEAD."""
    reference, attributes = _custom(value)
    if reference is not None:
        return tls_policy_strong_ciphers(reference, service=_SERVICE)
    ciphers = [name for name, enabled in attributes.items()
               if enabled and not name.startswith("Protocol-") and name not in _NOT_CIPHERS]
    if not ciphers:
        return CheckResult(None, "the policy names no predefined policy and enables no cipher")
    weak = weak_suites(ciphers)
    if weak:
        return CheckResult(False, "the custom policy enables suites without forward secrecy "
                                  f"or AEAD: {list_suites(weak)}")
    return CheckResult(True, "the custom policy enables only forward-secret AEAD suites")


CHECKS = {
    "classic_policy_minimum": classic_policy_minimum,
    "classic_policy_strong_ciphers": classic_policy_strong_ciphers,
}
