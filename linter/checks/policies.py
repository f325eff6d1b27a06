"""Judgements over normalised policy documents (see adapters/policy_documents.py)."""

from __future__ import annotations

import fnmatch
from typing import Any

from linter.checks import CheckResult
from linter.tables import load_table


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
        conditions = statement.get("Condition")
        for operator, values in (conditions.items() if isinstance(conditions, dict) else ()):
            if not isinstance(values, dict) or not str(operator).startswith("Bool"):
                continue
            for key, expected in values.items():
                if str(key).lower() == "aws:securetransport" and [
                        str(item).lower() for item in _as_list(expected)][:1] == ["false"]:
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


def _granted(patterns: list[str], actions: list[str]) -> list[str]:
    lowered = [pattern.lower() for pattern in patterns]
    return [action for action in actions
            if any(fnmatch.fnmatchcase(action.lower(), pattern) for pattern in lowered)]


def administration_apart_from_use(document: Any, **_: Any) -> CheckResult:
    """No principal but the account root may both administer the key and decrypt with it.

    Whoever can change the key policy can grant themselves anything, so a principal that
    also decrypts ePHI collapses the two duties; `kms:*` is the usual way it happens.
    """
    duties = load_table("kms_actions")
    granted: dict[str, set[str]] = {}
    for statement in _statements(document):
        if statement.get("Effect") != "Allow" or "NotAction" in statement:
            continue
        patterns = [str(action) for action in _as_list(statement.get("Action", []))]
        for principal in _principals(statement):
            if not _is_account_root(principal):
                granted.setdefault(principal, set()).update(patterns)
    for principal, patterns in sorted(granted.items()):
        administers = _granted(sorted(patterns), duties["administration"])
        decrypts = _granted(sorted(patterns), duties["decryption"])
        if administers and decrypts:
            return CheckResult(False, f"{principal} can both administer the key "
                                      f"({administers[0]}) and decrypt with it ({decrypts[0]})")
    return CheckResult(True, "no principal but the account root both administers and uses "
                             "the key")


CHECKS = {
    "denies_insecure_transport": denies_insecure_transport,
    "no_unconditioned_public_principal": no_unconditioned_public_principal,
    "administration_apart_from_use": administration_apart_from_use,
}
