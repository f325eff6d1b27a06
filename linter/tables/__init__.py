"""Vendor facts kept as versioned data: TLS policies, AWS-managed keys, service defaults.

Each table is a YAML file beside this module. Rules and adapters read them through
these functions, never through lists of their own.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

TABLES_DIRECTORY = Path(__file__).parent
PROTOCOL_ORDER = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")


@cache
def load_table(name: str) -> Any:
    """The table `name` (tables/NAME.yaml): from the source index when a scan has it
    (compiled from these very files, linter.source_index), else read from its YAML."""
    from linter.source_index import vendor_table

    compiled = vendor_table(name)
    return compiled if compiled is not None else read_yaml(TABLES_DIRECTORY / f"{name}.yaml")


def read_yaml(path: Path) -> Any:
    """A table file's data, read with the safe loader (libyaml's when present)."""
    import yaml

    from linter.parsers.yaml_source import SafeLoader

    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SafeLoader)  # noqa: S506 - a safe loader


def read_vendor_tables() -> dict[str, Any]:
    """Every table load_table can name, read from its YAML (for the source index): those
    beside this module, and the defaults files (`defaults/aws_rds`), which adapters also
    read whole: without them in the index, each worker process imported PyYAML and parsed
    them (12 ms a worker on four module repositories)."""
    return {**{path.stem: read_yaml(path) for path in sorted(TABLES_DIRECTORY.glob("*.yaml"))},
            **{f"defaults/{path.stem}": read_yaml(path)
               for path in sorted((TABLES_DIRECTORY / "defaults").glob("*.yaml"))}}


@cache
def service_defaults() -> dict[str, dict[str, Any]]:
    """Provider and service defaults by source type, then attribute path (see
    read_service_defaults), as the source index holds them: no YAML is parsed when it is
    compiled already (linter.source_index)."""
    from linter.source_index import source_index

    return source_index()["defaults"]


def read_service_defaults() -> dict[str, dict[str, Any]]:
    """Provider and service defaults by source type, then attribute path.

    One file per service under tables/defaults/. An entry is the default value, or a
    mapping with `value` and a `note` saying where the default comes from.
    """
    merged: dict[str, dict[str, Any]] = {}
    for path in sorted((TABLES_DIRECTORY / "defaults").glob("*.yaml")):
        content = read_yaml(path) or {}
        for source_type, attributes in content.items():
            if source_type in ("version", "sources"):
                continue
            merged.setdefault(source_type, {}).update(attributes or {})
    return merged


def default_for(source_type: str, attribute: str) -> tuple[bool, Any, str]:
    """(found, value, note) for an attribute left out of a resource."""
    entry = service_defaults().get(source_type, {})
    if attribute not in entry:
        return False, None, ""
    value = entry[attribute]
    if isinstance(value, dict) and "value" in value:
        return True, value["value"], str(value.get("note", "provider default"))
    return True, value, "provider default"


@cache
def _enumerations() -> dict[str, dict[str, Any]]:
    table = load_table("enumerations")
    return {**(table.get("terraform") or {}), **(table.get("cloudformation") or {})}


def enumeration_for(source_type: str, attribute: str) -> str | tuple[str, ...] | None:
    """How an enumerated setting is spelt: "lower", "upper" or its documented values.

    `attribute` is the path an adapter reads; its last segment names the setting. None
    for settings that are not enumerations (see enumerations.yaml).
    """
    spelling = _enumerations().get(source_type, {}).get(attribute.rsplit(".", 1)[-1])
    return tuple(spelling) if isinstance(spelling, list) else spelling


def tls_policy(service: str, name: str) -> dict[str, Any] | None:
    """The protocols and ciphers a named TLS policy allows, or None when not in the table."""
    policies = load_table("tls_policies")["services"].get(service, {}).get("policies", {})
    return policies.get(name)


def tls_default_policy(service: str) -> str | None:
    return load_table("tls_policies")["services"].get(service, {}).get("default")


def protocol_rank(protocol: str) -> int:
    return PROTOCOL_ORDER.index(protocol) if protocol in PROTOCOL_ORDER else -1


def cipher_is_forward_secret(cipher: str) -> bool:
    # TLS 1.3 suites (IANA names) always use ephemeral key exchange.
    return cipher.startswith(("TLS_AES", "TLS_CHACHA20", "ECDHE-", "DHE-", "TLS_ECDHE", "TLS_DHE"))


def cipher_is_aead(cipher: str) -> bool:
    return any(mode in cipher for mode in ("GCM", "CHACHA20", "CCM"))


def weak_suites(ciphers: list[str]) -> list[str]:
    """The suites that lack forward secrecy or AEAD, in the order given."""
    return [cipher for cipher in ciphers
            if not (cipher_is_forward_secret(cipher) and cipher_is_aead(cipher))]


def list_suites(suites: list[str], shown: int = 4) -> str:
    """A short, readable list for a finding's message."""
    more = f" and {len(suites) - shown} more" if len(suites) > shown else ""
    return ", ".join(suites[:shown]) + more
