"""What a named TLS security policy lets a client negotiate.

Generic over the AWS service (opensearch, elb, cloudfront, ...): the policy name is
looked up in tables/tls_policies.yaml under `services.<service>`. A name the table does
not know is UNKNOWN, never PASS: AWS adds policies over time, and guessing from the
name would let a weak policy through.
"""

from __future__ import annotations

from typing import Any

from linter.checks import CheckResult
from linter.tables import (
    list_suites,
    protocol_rank,
    tls_default_policy,
    tls_policy,
    weak_suites,
)


def _policy_name(value: Any, service: str) -> tuple[str | None, str]:
    """The policy to judge, and how to name it in a finding.

    Adapters normally fill an absent policy from the defaults tables; the fallback to
    the service's default here covers models whose adapters leave it absent.
    """
    if value is None:
        default = tls_default_policy(service)
        if default is None:
            return None, ""
        return default, f"no policy is set, so the default {default}"
    return str(value), str(value)


def _lookup(value: Any, service: str) -> tuple[str | None, dict[str, Any] | None, str]:
    name, shown = _policy_name(value, service)
    if name is None:
        return None, None, f"no TLS policy is set and the {service} default is not in the table"
    return name, tls_policy(service, name), shown


def tls_policy_minimum(value: Any, *, service: str, minimum: str = "TLSv1.2",
                       **_: Any) -> CheckResult:
    """Passes when the oldest protocol the policy allows is `minimum` or newer."""
    if protocol_rank(minimum) < 0:
        # A misspelt minimum would rank below everything and pass every policy.
        raise ValueError(f"tls_policy_minimum: unknown protocol {minimum!r}")
    name, policy, shown = _lookup(value, service)
    if name is None:
        return CheckResult(None, shown)
    if policy is None:
        return CheckResult(None, f"policy {name} is not in the TLS policy table")
    protocols = list(policy.get("protocols") or [])
    if not protocols:
        return CheckResult(None, f"the TLS policy table lists no protocols for {name}")
    lowest = min(protocols, key=protocol_rank)
    # TLS 1.3 adoption is one of the coverage figures HIPAA guidance asks for.
    facts = (("tls13", "TLSv1.3" in protocols),)
    if protocol_rank(lowest) < protocol_rank(minimum):
        return CheckResult(False, f"{shown} allows {lowest}, older than {minimum}", facts)
    return CheckResult(True, f"{shown} allows {lowest} at the oldest", facts)


def tls_policy_strong_ciphers(value: Any, *, service: str, **_: Any) -> CheckResult:
    """Passes when every allowed suite is forward-secret and AEAD.

    Static-RSA key exchange lets a later key compromise decrypt recorded ePHI traffic;
    CBC suites with SHA-1 MACs are the ones padding-oracle attacks target.
    """
    name, policy, shown = _lookup(value, service)
    if name is None:
        return CheckResult(None, shown)
    if policy is None:
        return CheckResult(None, f"policy {name} is not in the TLS policy table")
    ciphers = [str(cipher) for cipher in policy.get("ciphers") or []]
    if not ciphers:
        return CheckResult(None, f"the TLS policy table lists no ciphers for {name}")
    weak = weak_suites(ciphers)
    if weak:
        listed = list_suites(weak)
        return CheckResult(False, f"{shown} allows suites without forward secrecy "
                                  f"or AEAD: {listed}")
    return CheckResult(True, f"{shown} allows only forward-secret AEAD suites")


CHECKS = {
    "tls_policy_minimum": tls_policy_minimum,
    "tls_policy_strong_ciphers": tls_policy_strong_ciphers,
}
