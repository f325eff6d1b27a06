"""What Azure TLS settings let a client negotiate, read from tables/azure_tls.yaml.

Azure services spell a TLS floor in half a dozen ways (TLS1_2, "1.2", TLS12, TLSv1.2,
TLSv1_2, or a list of enabled versions); the table maps each spelling to the oldest
protocol it admits. A spelling or policy the table does not know is UNKNOWN, never a
pass.
"""

from __future__ import annotations

from typing import Any

from linter.checks import CheckResult
from linter.tables import list_suites, load_table, protocol_rank, weak_suites
from linter.values import Unknown

_CUSTOM_TYPES = ("Custom", "CustomV2")


def _table() -> dict[str, Any]:
    return load_table("azure_tls")


def _oldest(value: Any) -> tuple[str | None, str]:
    """The oldest protocol a setting admits, or None with the reason."""
    versions = _table()["versions"]
    items = [item.strip() for item in str(value).split(",") if item.strip()]
    if not items:
        return None, f"TLS setting {value!r} is empty"
    protocols = []
    for item in items:
        if item not in versions:
            return None, f"TLS version value {item!r} is not in the Azure TLS table"
        protocols.append(versions[item])
    return min(protocols, key=protocol_rank), ""


def _require_minimum(minimum: str) -> None:
    if protocol_rank(minimum) < 0:
        # A misspelt minimum would rank below everything and pass every setting.
        raise ValueError(f"unknown protocol {minimum!r}")


def azure_tls_minimum(value: Any, *, minimum: str = "TLSv1.2", **_: Any) -> CheckResult:
    """Passes when the setting admits nothing older than `minimum`."""
    _require_minimum(minimum)
    if value is None:
        return CheckResult(False, "no minimum TLS version is set")
    oldest, reason = _oldest(value)
    if oldest is None:
        return CheckResult(None, reason)
    if protocol_rank(oldest) < protocol_rank(minimum):
        return CheckResult(False, f"{value!r} admits {oldest}, older than {minimum}")
    return CheckResult(True, f"{value!r} admits {oldest} at the oldest")


def _gateway_policy(value: Any) -> tuple[list[str] | None, list[str] | None, str]:
    """(protocols, ciphers, name) of an Application Gateway ssl_policy, or Nones + reason.

    Protocols None: cannot be decided. Ciphers None with protocols known: the policy's
    suites are not known (a custom policy with no cipher list).
    """
    gateway = _table()["application_gateway"]
    if value is None:
        return None, None, f"no ssl_policy block: {gateway['default_note']}"
    policy_type = value.get("policy_type")
    name = value.get("policy_name")
    for part in (policy_type, name):
        if isinstance(part, Unknown):
            return None, None, f"the ssl_policy cannot be known statically ({part.reason})"
    if policy_type in _CUSTOM_TYPES:
        return _custom_policy(value, gateway, policy_type)
    if name is not None:
        policy = gateway["policies"].get(str(name))
        if policy is None:
            return None, None, f"policy {name} is not in the Azure TLS table"
        return list(policy["protocols"]), list(policy["ciphers"]), str(name)
    return None, None, ("ssl_policy names neither a predefined policy nor a custom "
                        f"policy type, so {gateway['default_note']}")


def _custom_policy(value: dict[str, Any], gateway: dict[str, Any],
                   policy_type: str) -> tuple[list[str] | None, list[str] | None, str]:
    minimum = value.get("min_protocol_version")
    shown = f"{policy_type} policy"
    if minimum is None or isinstance(minimum, Unknown):
        return None, None, f"{shown} without a known min_protocol_version"
    oldest, reason = _oldest(minimum)
    if oldest is None:
        return None, None, reason
    protocols = [protocol for protocol in ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
                 if protocol_rank(protocol) >= protocol_rank(oldest)]
    if policy_type == "Custom":
        protocols = [protocol for protocol in protocols if protocol != "TLSv1.3"]
    suites = value.get("cipher_suites")
    if not isinstance(suites, list) or any(isinstance(item, Unknown) for item in suites):
        return protocols, None, f"{shown} with minimum {minimum}"
    ciphers = [str(item) for item in suites]
    if "TLSv1.3" in protocols:
        ciphers += [item for item in gateway["tls13_mandatory"] if item not in ciphers]
    return protocols, ciphers, f"{shown} with minimum {minimum}"


def azure_gateway_policy_minimum(value: Any, *, minimum: str = "TLSv1.2",
                                 **_: Any) -> CheckResult:
    """Passes when the gateway's TLS policy admits nothing older than `minimum`."""
    _require_minimum(minimum)
    protocols, _ciphers, shown = _gateway_policy(value)
    if protocols is None:
        # No policy at all is a finding: the default is not pinned and was TLS 1.0.
        return CheckResult(False if value is None else None, shown)
    oldest = min(protocols, key=protocol_rank)
    if protocol_rank(oldest) < protocol_rank(minimum):
        return CheckResult(False, f"{shown} admits {oldest}, older than {minimum}")
    return CheckResult(True, f"{shown} admits {oldest} at the oldest")


def azure_gateway_policy_strong_ciphers(value: Any, **_: Any) -> CheckResult:
    """Passes when every suite the policy offers is forward-secret and AEAD."""
    protocols, ciphers, shown = _gateway_policy(value)
    if protocols is None or ciphers is None:
        detail = shown if protocols is None else f"{shown}: its cipher suites are not listed"
        return CheckResult(False if value is None else None, detail)
    weak = weak_suites(ciphers)
    if weak:
        listed = list_suites(weak, 3)
        return CheckResult(False, f"{shown} offers suites without forward secrecy or "
                                  f"AEAD: {listed}")
    return CheckResult(True, f"{shown} offers only forward-secret AEAD suites")


CHECKS = {
    "azure_tls_minimum": azure_tls_minimum,
    "azure_gateway_policy_minimum": azure_gateway_policy_minimum,
    "azure_gateway_policy_strong_ciphers": azure_gateway_policy_strong_ciphers,
}
