"""Judgements over normalised policy documents (see adapters/policy_documents.py)."""

from __future__ import annotations

from typing import Any

from linter.checks import CheckResult


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _principals(statement: dict[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal is None:
        return []
    if isinstance(principal, str):
        return [principal]
    if isinstance(principal, dict):
        return [str(item) for value in principal.values() for item in _as_list(value)]
    return [str(item) for item in _as_list(principal)]


def _is_everyone(statement: dict[str, Any]) -> bool:
    return "*" in _principals(statement)


def _statements(document: Any) -> list[dict[str, Any]]:
    return document.get("Statement", []) if isinstance(document, dict) else []


def denies_insecure_transport(document: Any, **_: Any) -> CheckResult:
    """A Deny for every principal when aws:SecureTransport is false."""
    if document is None:
        return CheckResult(False, "no bucket policy in the scanned files denies requests "
                                  "without TLS")
    for statement in _statements(document):
        if statement.get("Effect") != "Deny" or not _is_everyone(statement):
            continue
        for operator, values in (statement.get("Condition") or {}).items():
            if not isinstance(values, dict) or not operator.startswith("Bool"):
                continue
            for key, expected in values.items():
                if key.lower() == "aws:securetransport" and str(
                        _as_list(expected)[0]).lower() == "false":
                    return CheckResult(True, "denies requests without TLS")
    return CheckResult(False, "the policy has no Deny statement for aws:SecureTransport = false")


def no_unconditioned_public_principal(document: Any, **_: Any) -> CheckResult:
    for index, statement in enumerate(_statements(document)):
        if statement.get("Effect") == "Allow" and _is_everyone(statement) \
                and not statement.get("Condition"):
            return CheckResult(False, f"statement {index + 1} allows Principal \"*\" "
                                      "without a condition")
    return CheckResult(True, "no statement opens the key to every principal")


def _is_account_root(principal: str) -> bool:
    return principal.endswith(":root") or principal.isdigit()


def no_full_access_beyond_root(document: Any, **_: Any) -> CheckResult:
    """`kms:*` mixes key administration with key use; only the account root should hold it."""
    for index, statement in enumerate(_statements(document)):
        actions = [str(action) for action in _as_list(statement.get("Action", []))]
        if statement.get("Effect") != "Allow" or not any(
                action in ("kms:*", "*") for action in actions):
            continue
        others = [principal for principal in _principals(statement)
                  if not _is_account_root(principal)]
        if others:
            return CheckResult(False, f"statement {index + 1} grants kms:* to "
                                      f"{', '.join(sorted(set(others))[:3])}")
    return CheckResult(True, "kms:* is granted to the account root only")


CHECKS = {
    "denies_insecure_transport": denies_insecure_transport,
    "no_unconditioned_public_principal": no_unconditioned_public_principal,
    "no_full_access_beyond_root": no_full_access_beyond_root,
}
