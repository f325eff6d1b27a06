"""Compute Engine: load-balancer SSL policies, the proxies that apply them, and disks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linter.models.base import Field, FieldState, Resource
from linter.values import Unknown


@dataclass(frozen=True, kw_only=True)
class SslPolicy(Resource):
    """A global or regional SSL policy (what clients may negotiate with a load balancer)."""

    MODEL = "gcp.compute.SslPolicy"

    # The oldest TLS version clients may use: TLS_1_0 (the default), TLS_1_1, TLS_1_2, TLS_1_3.
    min_tls_version: Field
    # COMPATIBLE (the default), MODERN, RESTRICTED, FIPS_202205, or CUSTOM: which suites.
    profile: Field
    # For CUSTOM only: the TLS 1.0-1.2 cipher suites enabled, by IANA name.
    custom_features: Field

    @property
    def protocol_floor(self) -> Field:
        """Every setting, located at min_tls_version: what decides the oldest protocol."""
        return policy_settings_field("", self.min_tls_version, self.profile,
                                     self.custom_features, self.min_tls_version)

    @property
    def cipher_suites(self) -> Field:
        """Every setting, located at the attribute that picks the suites."""
        custom = self.profile.value == "CUSTOM" and self.custom_features.line is not None
        where = self.custom_features if custom else self.profile
        return policy_settings_field("", self.min_tls_version, self.profile,
                                     self.custom_features, where)


@dataclass(frozen=True, kw_only=True)
class TargetProxy(Resource):
    """A target HTTPS or SSL proxy: where a Google load balancer terminates client TLS."""

    MODEL = "gcp.compute.TargetProxy"

    # The settings of the SSL policy the proxy applies ({name, min_tls_version, profile,
    # custom_features}); Google's default policy (COMPATIBLE, TLS 1.0) when ssl_policy is
    # not set; UNKNOWN when it names a policy outside the scanned files.
    ssl_policy: Field


@dataclass(frozen=True, kw_only=True)
class Disk(Resource):
    """A zonal or regional persistent disk."""

    MODEL = "gcp.compute.Disk"

    # The Cloud KMS key (CMEK) that wraps the disk's key; absent: a Google-managed key
    # (or a customer-supplied raw key, which then sits in the Terraform code and state).
    kms_key: Field
    # True when a raw or RSA-wrapped customer-supplied key (CSEK) is written in
    # disk_encryption_key; false when none is.
    customer_supplied_key: Field


def policy_settings(name: str, min_tls_version: Any, profile: Any,
                    custom_features: Any) -> dict[str, Any]:
    """The value the SSL policy checks judge; `name` says which policy in messages ("" for
    the policy being judged itself)."""
    return {"name": name, "min_tls_version": min_tls_version, "profile": profile,
            "custom_features": custom_features}


def policy_settings_field(name: str, min_tls_version: Field, profile: Field,
                          custom_features: Field, where: Field) -> Field:
    """The settings as one Field at `where`; unknown parts stay inside as `Unknown`, so a
    RESTRICTED policy passes the protocol floor even when its minimum is unknown."""
    def part(field: Field) -> Any:
        return field.value if field.is_known else Unknown(field.reason)

    value = policy_settings(name, part(min_tls_version), part(profile), part(custom_features))
    return Field(value, FieldState.SET, where.attribute, where.line, where.reason, where.path)
