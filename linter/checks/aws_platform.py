"""Checks over vendor tables for AWS platform settings: RDS certificate authorities and
Transfer Family security policies. A name the table does not know is UNKNOWN: AWS adds
CAs and policies over time, and guessing from the name would let a weak one through."""

from __future__ import annotations

from typing import Any

from linter.checks import CheckResult
from linter.tables import load_table


def rds_current_ca(value: Any, **_: Any) -> CheckResult:
    """Passes when the CA is one RDS still issues server certificates from."""
    if value is None:
        return CheckResult(None, "no certificate authority is known for the database")
    authority = load_table("rds_certificates")["authorities"].get(str(value))
    if authority is None:
        return CheckResult(None, f"certificate authority {value} is not in the RDS CA table")
    if authority["current"]:
        return CheckResult(True, f"{value} is a current RDS CA ({authority['note']})")
    return CheckResult(False, f"{value} is an outdated RDS CA ({authority['note']})")


def transfer_policy_without_sha_one(value: Any, **_: Any) -> CheckResult:
    """Passes when the Transfer Family policy allows no SHA-1 or static-RSA algorithm."""
    if value is None:
        return CheckResult(None, "no security policy is known for the server")
    policy = load_table("tls_policies")["transfer_family"].get(str(value))
    if policy is None:
        return CheckResult(None, f"security policy {value} is not in the Transfer Family table")
    weak = list(policy.get("weak") or [])
    if weak:
        shown = ", ".join(weak[:4]) + (f" and {len(weak) - 4} more" if len(weak) > 4 else "")
        return CheckResult(False, f"{value} allows {shown}")
    return CheckResult(True, f"{value} allows no SHA-1 or static-RSA algorithm")


CHECKS = {
    "rds_current_ca": rds_current_ca,
    "transfer_policy_without_sha_one": transfer_policy_without_sha_one,
}
