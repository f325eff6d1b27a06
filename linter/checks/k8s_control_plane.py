"""Checks for Kubernetes control-plane flags, node configuration and cluster TLS settings.

Cipher names come in two vocabularies: Go's IANA names (kube-apiserver, kubelet) and
OpenSSL names or keywords (ingress-nginx). Both are judged by the shared
forward-secrecy and AEAD tests of linter.tables; defaults and provider facts come from
tables/k8s_control_plane.yaml.
"""

from __future__ import annotations

import re
from typing import Any

from linter.checks import CheckResult
from linter.checks.tls_policies import tls_policy_minimum
from linter.tables import list_suites, load_table, protocol_rank, weak_suites


def _table() -> dict[str, Any]:
    return load_table("k8s_control_plane")


def go_tls_min_version(value: Any, *, minimum: str = "TLSv1.2", **_: Any) -> CheckResult:
    """Passes when a Go TLS version name (VersionTLS12) is `minimum` or newer."""
    versions = _table()["go_tls_versions"]
    protocol = versions.get(str(value))
    if protocol is None:
        return CheckResult(None, f"TLS version {value!r} is not one Kubernetes accepts "
                                 f"({', '.join(versions)})")
    if protocol_rank(protocol) < protocol_rank(minimum):
        return CheckResult(False, f"{value} lets clients negotiate {protocol}, older than "
                                  f"{minimum}")
    return CheckResult(True, f"{value} accepts {protocol} at the oldest")


def go_cipher_suites_strong(value: Any, **_: Any) -> CheckResult:
    """Passes when every listed Go (IANA-named) suite is forward-secret and AEAD."""
    if not isinstance(value, list) or not value:
        return CheckResult(None, "the cipher suite list cannot be read")
    weak = weak_suites([str(item) for item in value])
    defaults = _table()["components"]["kube-apiserver"]["defaults"]["tls-cipher-suites"]
    origin = ("no list is set, so Go's default list applies, which" if value == defaults["value"]
              else "the list")
    if weak:
        return CheckResult(False, f"{origin} allows suites without forward secrecy or AEAD: "
                                  f"{list_suites(weak)}")
    return CheckResult(True, "allows only forward-secret AEAD suites")


def openssl_cipher_string_strong(value: Any, **_: Any) -> CheckResult:
    """An OpenSSL cipher string (nginx ssl_ciphers) that names only forward-secret AEAD suites.

    Exclusions (`!x`, `-x`) and ordering (`+x`, `@STRENGTH`) remove or move suites and
    are skipped. A keyword such as HIGH or ECDHE+AESGCM expands differently with each
    OpenSSL build, so a string that relies on one is UNKNOWN unless a concrete suite
    already fails it.
    """
    if value is None:
        value = _table()["ingress_nginx_default_ssl_ciphers"]
        origin = "the controller's default list"
    else:
        origin = "the list"
    tokens = [token for token in re.split(r"[:,\s]+", str(value)) if token]
    concrete, keywords = [], []
    for token in tokens:
        if token.startswith(("!", "-", "+", "@")):
            continue
        if "+" in token or ("-" not in token and not token.startswith("TLS_")):
            keywords.append(token)
        else:
            concrete.append(token)
    weak = weak_suites(concrete)
    if weak:
        return CheckResult(False, f"{origin} allows suites without forward secrecy or AEAD: "
                                  f"{list_suites(weak)}")
    if keywords:
        return CheckResult(None, f"{origin} uses OpenSSL keywords ({list_suites(keywords)}) whose "
                                 f"expansion depends on the controller's OpenSSL build")
    if not concrete:
        return CheckResult(None, "the cipher string names no suite")
    return CheckResult(True, f"{origin} names only forward-secret AEAD suites")


def load_balancer_policy_minimum(value: Any, *, minimum: str = "TLSv1.2",
                                 **_: Any) -> CheckResult:
    """The Service's TLS negotiation policy, looked up in the table of its load balancer."""
    if not isinstance(value, dict):
        return CheckResult(None, "the negotiation policy cannot be read")
    return tls_policy_minimum(value.get("policy"), service=value["service"], minimum=minimum)


def secrets_encrypted_by_provider(value: Any, **_: Any) -> CheckResult:
    """The provider that writes Secrets must encrypt them (not identity, not missing)."""
    if value is None:
        return CheckResult(False, "no resources entry covers secrets, so they are stored "
                                  "unencrypted")
    provider = _table()["encryption_providers"].get(str(value))
    if provider is None:
        return CheckResult(None, f"provider {value!r} is not a known encryption provider")
    if not provider["encrypts"]:
        return CheckResult(False, f"the first provider for secrets is {value}, which writes "
                                  f"them to etcd in plaintext")
    return CheckResult(True, f"secrets are written with the {value} provider")


def secrets_key_in_kms(value: Any, **_: Any) -> CheckResult:
    """The provider that writes Secrets keeps its key-encryption key in a KMS."""
    provider = _table()["encryption_providers"].get(str(value))
    if provider is None:
        return CheckResult(None, f"provider {value!r} is not a known encryption provider")
    if provider.get("key_location") == "kms":
        return CheckResult(True, f"secrets are encrypted by the {value} provider")
    note = f" ({provider['note']})" if provider.get("note") else ""
    return CheckResult(False, f"secrets are encrypted by {value}{note}, whose key sits in "
                              f"the configuration file on every control-plane node")


def urls_use_tls(value: Any, **_: Any) -> CheckResult:
    """Every URL is https:// (or a local unix socket); http:// carries plaintext."""
    if not isinstance(value, list) or not value:
        return CheckResult(None, "the URL list cannot be read")
    plain = [str(url) for url in value if str(url).lower().startswith("http://")]
    other = [str(url) for url in value
             if not str(url).lower().startswith(("http://", "https://", "unix://", "unixs://"))]
    if plain:
        return CheckResult(False, f"plaintext URLs: {list_suites(plain)}")
    if other:
        return CheckResult(None, f"URLs with an unrecognised scheme: {list_suites(other)}")
    return CheckResult(True, "every URL uses TLS or a local socket")


def no_credential_keys(value: Any, **_: Any) -> CheckResult:
    """Key names only: the value of a credential never reaches a finding."""
    if not isinstance(value, list):
        return CheckResult(None, "the ConfigMap's keys cannot be read")
    if value:
        return CheckResult(False, f"keys that look like credentials hold values: "
                                  f"{list_suites([str(key) for key in value])}")
    return CheckResult(True, "no key looks like a credential")


CHECKS = {
    "go_tls_min_version": go_tls_min_version,
    "go_cipher_suites_strong": go_cipher_suites_strong,
    "openssl_cipher_string_strong": openssl_cipher_string_strong,
    "load_balancer_policy_minimum": load_balancer_policy_minimum,
    "secrets_encrypted_by_provider": secrets_encrypted_by_provider,
    "secrets_key_in_kms": secrets_key_in_kms,
    "urls_use_tls": urls_use_tls,
    "no_credential_keys": no_credential_keys,
}
