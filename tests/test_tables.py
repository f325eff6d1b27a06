"""Shape and spot-fact tests for the vendor-fact tables in linter/tables/."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

TABLES = Path(__file__).parents[1] / "linter" / "tables"

PROTOCOLS = {"SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}
TLS13_CIPHER = re.compile(r"^TLS_[A-Z0-9_]+$")
OPENSSL_CIPHER = re.compile(r"^[A-Z0-9-]+$")
# cloudfront_origin entries are single protocols; CloudFront documents one origin
# cipher list for all of them.
SERVICES_WITHOUT_CIPHERS = {"cloudfront_origin"}
# Suites with an ephemeral key exchange (ECDHE/DHE) or TLS 1.3, where every suite is
# forward secret.
FORWARD_SECRET = re.compile(r"^(TLS_|ECDHE-|DHE-|EDH-)")


def _load(name: str) -> dict[str, Any]:
    with (TABLES / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    return _load("tls_policies.yaml")["services"]


@pytest.fixture(scope="module")
def managed_keys() -> dict[str, Any]:
    return _load("aws_managed_keys.yaml")


def _policy(services: dict[str, Any], service: str, name: str) -> dict[str, Any]:
    return services[service]["policies"][name]


def _all_policies(services: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (service, name, policy)
        for service, table in services.items()
        for name, policy in table["policies"].items()
    ]


def test_tables_are_versioned() -> None:
    assert _load("tls_policies.yaml")["version"] == "2026-11-25"
    assert _load("aws_managed_keys.yaml")["version"] == "2026-11-25"


def test_every_policy_has_known_protocols(services: dict[str, Any]) -> None:
    for service, name, policy in _all_policies(services):
        protocols = policy["protocols"]
        assert protocols, f"{service}/{name} has no protocols"
        assert set(protocols) <= PROTOCOLS, f"{service}/{name}: {protocols}"
        assert len(set(protocols)) == len(protocols), f"{service}/{name} repeats a protocol"


def test_every_policy_has_ciphers_except_origin(services: dict[str, Any]) -> None:
    for service, name, policy in _all_policies(services):
        if service in SERVICES_WITHOUT_CIPHERS:
            continue
        assert policy.get("ciphers"), f"{service}/{name} has no ciphers"


def test_cipher_names_are_iana_tls13_or_openssl(services: dict[str, Any]) -> None:
    for service, name, policy in _all_policies(services):
        ciphers = policy.get("ciphers") or []
        assert len(set(ciphers)) == len(ciphers), f"{service}/{name} repeats a cipher"
        for cipher in ciphers:
            assert TLS13_CIPHER.match(cipher) or OPENSSL_CIPHER.match(cipher), (
                f"{service}/{name}: bad cipher name {cipher!r}"
            )


def test_tls13_suites_only_where_tls13_is_enabled(services: dict[str, Any]) -> None:
    for service, name, policy in _all_policies(services):
        tls13_suites = [c for c in policy.get("ciphers") or [] if c.startswith("TLS_")]
        if tls13_suites:
            assert "TLSv1.3" in policy["protocols"], f"{service}/{name}"


def test_defaults_name_a_policy_of_the_same_service(services: dict[str, Any]) -> None:
    for service, table in services.items():
        if "default" in table:
            assert table["default"] in table["policies"], service
        for resource, default in table.get("defaults_by_resource", {}).items():
            assert default in table["policies"], f"{service}/{resource}"


def test_notes_are_text(services: dict[str, Any]) -> None:
    for service, name, policy in _all_policies(services):
        assert set(policy) <= {"protocols", "ciphers", "note"}, f"{service}/{name}"
        if "note" in policy:
            assert isinstance(policy["note"], str) and policy["note"], f"{service}/{name}"


def test_elb_2016_08_allows_tls1(services: dict[str, Any]) -> None:
    assert services["elbv2"]["default"] == "ELBSecurityPolicy-2016-08"
    assert "TLSv1" in _policy(services, "elbv2", "ELBSecurityPolicy-2016-08")["protocols"]
    assert "TLSv1" in _policy(services, "elb_classic", "ELBSecurityPolicy-2016-08")["protocols"]


def test_elb_tls13_1_2_has_tls12_floor(services: dict[str, Any]) -> None:
    policy = _policy(services, "elbv2", "ELBSecurityPolicy-TLS13-1-2-2021-06")
    assert sorted(policy["protocols"]) == ["TLSv1.2", "TLSv1.3"]


def test_elb_tls13_1_3_is_tls13_only(services: dict[str, Any]) -> None:
    policy = _policy(services, "elbv2", "ELBSecurityPolicy-TLS13-1-3-2021-06")
    assert policy["protocols"] == ["TLSv1.3"]
    assert all(c.startswith("TLS_") for c in policy["ciphers"])


def test_elb_fips_policies_exclude_chacha20(services: dict[str, Any]) -> None:
    for name, policy in services["elbv2"]["policies"].items():
        if "FIPS" in name:
            assert not any("CHACHA20" in c for c in policy["ciphers"]), name


def test_cloudfront_2021_has_only_ecdhe_aead_suites(services: dict[str, Any]) -> None:
    policy = _policy(services, "cloudfront_viewer", "TLSv1.2_2021")
    for cipher in policy["ciphers"]:
        if cipher.startswith("TLS_"):
            continue
        assert cipher.startswith("ECDHE-"), cipher
        assert "GCM" in cipher or "CHACHA20" in cipher, cipher


def test_cloudfront_default_is_tls1(services: dict[str, Any]) -> None:
    assert services["cloudfront_viewer"]["default"] == "TLSv1"
    assert "TLSv1" in _policy(services, "cloudfront_viewer", "TLSv1")["protocols"]


def test_cloudfront_origin_entries_are_single_protocols(services: dict[str, Any]) -> None:
    for name, policy in services["cloudfront_origin"]["policies"].items():
        assert policy["protocols"] == [name]


def test_opensearch_pfs_policy_is_forward_secret(services: dict[str, Any]) -> None:
    policy = _policy(services, "opensearch", "Policy-Min-TLS-1-2-PFS-2023-10")
    assert "TLSv1.1" not in policy["protocols"] and "TLSv1" not in policy["protocols"]
    for cipher in policy["ciphers"]:
        assert FORWARD_SECRET.match(cipher), cipher


def test_apigateway_tls_1_0_is_weak_and_tls13_policy_is_tls13_only(
    services: dict[str, Any],
) -> None:
    assert "TLSv1" in _policy(services, "apigateway", "TLS_1_0")["protocols"]
    strict = _policy(services, "apigateway", "SecurityPolicy_TLS13_1_3_2025_09")
    assert strict["protocols"] == ["TLSv1.3"]


def test_alias_s3_is_aws_managed(managed_keys: dict[str, Any]) -> None:
    assert "alias/aws/s3" in managed_keys["aliases"]
    prefix = managed_keys["alias_prefix"]
    assert prefix == "alias/aws/"
    assert all(alias.startswith(prefix) for alias in managed_keys["aliases"])
    bare_prefix = managed_keys["bare_alias_prefix"]
    assert all(form.startswith(bare_prefix) for form in managed_keys["bare_alias_forms"])


def test_arn_patterns(managed_keys: dict[str, Any]) -> None:
    patterns = {name: re.compile(p) for name, p in managed_keys["arn_patterns"].items()}
    assert patterns["alias_arn"].match("arn:aws:kms:us-east-1:123456789012:alias/aws/s3")
    assert patterns["alias_arn"].match(
        "arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/aws/ebs"
    )
    assert not patterns["alias_arn"].match("arn:aws:kms:us-east-1:123456789012:alias/phi-key")
    assert patterns["alias_name"].match("alias/aws/rds")
    assert not patterns["alias_name"].match("alias/awsome")
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert patterns["key_arn"].match(key)
    assert patterns["key_arn"].match(
        "arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"
    )
    assert not patterns["key_arn"].match(key + "x")
    assert patterns["key_id"].match("1234abcd-12ab-34cd-56ef-1234567890ab")


def test_provider_default_meanings(managed_keys: dict[str, Any]) -> None:
    meanings = {"aws_owned", "aws_managed", "none"}
    for service, entry in managed_keys["provider_default_values"].items():
        assert entry["values"], service
        for value in entry["values"]:
            assert value["meaning"] in meanings, f"{service}: {value}"
            assert value["when"], service
