"""Predicates over certificate facts and private keys (crypto.pem models).

Values are the plain dicts built by linter.adapters.pem_values; the strength floors
come from tables/certificates.yaml. No detail ever includes key material: a private
key is described by its PEM label only.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from linter.checks import CheckResult
from linter.tables import load_table


def _policy() -> dict[str, Any]:
    return load_table("certificates")


def _who(value: dict[str, Any]) -> str:
    return f"certificate {value.get('subject') or '(no subject)'}"


def certificate_key_strength(value: Any, **_: Any) -> CheckResult:
    """RSA/DSA keys of 2048 bits or more, elliptic curves of 256 bits or more."""
    if not isinstance(value, dict):
        return CheckResult(None, "the certificate's public key could not be read")
    algorithm, bits = value.get("algorithm"), value.get("bits")
    minimum = _policy()["minimum_key_bits"].get(algorithm)
    if minimum is None or not isinstance(bits, int):
        return CheckResult(None, f"{_who(value)} has a {algorithm} key, which the "
                                 f"certificate policy table does not rate")
    shown = f"{bits}-bit {algorithm}" + (f" ({value['curve']})" if value.get("curve") else "")
    if bits < minimum:
        return CheckResult(False, f"{_who(value)} has a {shown} key; at least {minimum} "
                                  f"bits are required")
    return CheckResult(True, f"{_who(value)} has a {shown} key")


def certificate_signature_hash(value: Any, **_: Any) -> CheckResult:
    """Signed with SHA-256 or stronger (or an EdDSA algorithm with its own hash)."""
    if not isinstance(value, dict):
        return CheckResult(None, "the certificate's signature could not be read")
    policy = _policy()["signature_hashes"]
    algorithm = str(value.get("algorithm") or "")
    digest = value.get("hash")
    if digest is None and algorithm.lower() in _policy()["intrinsic_hash_algorithms"]:
        return CheckResult(True, f"{_who(value)} is signed with {algorithm}")
    if digest in policy["weak"]:
        return CheckResult(False, f"{_who(value)} is signed with {algorithm} ({digest}, a "
                                  f"hash with practical collision attacks or below SHA-256)")
    if digest in policy["strong"]:
        return CheckResult(True, f"{_who(value)} is signed with {algorithm}")
    return CheckResult(None, f"{_who(value)} is signed with {algorithm or 'an unknown '}"
                             f"algorithm whose hash the certificate policy table does not rate")


def certificate_validity(value: Any, *, minimum_days: int | None = None,
                         now: datetime | None = None, **_: Any) -> CheckResult:
    """Valid now and for at least `minimum_days` more days.

    `now` is the scan's clock; tests pass a fixed one. `minimum_days` defaults to the
    table's `expiry_warning_days`.
    """
    if not isinstance(value, dict):
        return CheckResult(None, "the certificate's validity dates could not be read")
    days = _policy()["expiry_warning_days"] if minimum_days is None else int(minimum_days)
    clock = now or datetime.now(timezone.utc)
    not_before = datetime.fromisoformat(value["not_before"])
    not_after = datetime.fromisoformat(value["not_after"])
    expiry = not_after.date().isoformat()
    if not_after <= clock:
        return CheckResult(False, f"{_who(value)} expired on {expiry}")
    if not_before > clock:
        return CheckResult(False, f"{_who(value)} is not valid until "
                                  f"{not_before.date().isoformat()}")
    left = not_after - clock
    if left < timedelta(days=days):
        return CheckResult(False, f"{_who(value)} expires on {expiry}, in {left.days} days "
                                  f"(less than {days})")
    return CheckResult(True, f"{_who(value)} is valid until {expiry}")


def certificate_trusted_issuer(value: Any, **_: Any) -> CheckResult:
    """Not self-signed, unless it is a CA certificate kept as a trust anchor.

    A self-signed certificate that a server presents cannot be validated by browsers
    or API clients, so users learn to click through the warning that would otherwise
    reveal an interception. A self-signed end-entity certificate in a file is the same
    certificate waiting to be deployed.
    """
    if not isinstance(value, dict):
        return CheckResult(None, "the certificate's issuer could not be read")
    if not value.get("self_signed"):
        return CheckResult(True, f"{_who(value)} is issued by {value.get('issuer')}")
    if value.get("presented_to_clients"):
        return CheckResult(False, f"{_who(value)} is self-signed and is presented to clients")
    if not value.get("is_ca"):
        return CheckResult(False, f"{_who(value)} is a self-signed end-entity certificate")
    return CheckResult(True, f"{_who(value)} is a self-signed CA certificate (a trust anchor)")


def private_key_encrypted(value: Any, **_: Any) -> CheckResult:
    """The key is encrypted with a passphrase, or read from a secret store when deployed.

    The detail names the PEM label only, never any part of the key.
    """
    if not isinstance(value, dict):
        return CheckResult(None, "the private key block could not be read")
    label = value.get("label", "PRIVATE KEY")
    if value.get("reference"):
        return CheckResult(True, f"the private key is read from {value['reference']} when "
                                 f"deployed, not written here")
    if value.get("encrypted"):
        return CheckResult(True, f"the {label} block is encrypted")
    return CheckResult(False, f"the {label} block is not encrypted (key material not shown)")


CHECKS = {
    "certificate_key_strength": certificate_key_strength,
    "certificate_signature_hash": certificate_signature_hash,
    "certificate_validity": certificate_validity,
    "certificate_trusted_issuer": certificate_trusted_issuer,
    "private_key_encrypted": private_key_encrypted,
}
