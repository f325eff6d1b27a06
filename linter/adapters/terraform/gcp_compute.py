"""google_compute_*: SSL policies, target HTTPS/SSL proxies and persistent disks."""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.base import Field, FieldState
from linter.models.gcp.compute import Disk, SslPolicy, TargetProxy, policy_settings
from linter.resolve.terraform import ResolvedBlock
from linter.tables import load_table
from linter.values import Branches, ConfigNode, ResourceRef, Unknown

_POLICY_TYPES = ("google_compute_ssl_policy", "google_compute_region_ssl_policy")


def build_ssl_policy(block: ResolvedBlock, context: TerraformContext) -> list[SslPolicy]:
    return [SslPolicy(**context.identity(block),
                      min_tls_version=field_at(block.config, "min_tls_version", block.type),
                      profile=field_at(block.config, "profile", block.type),
                      custom_features=field_at(block.config, "custom_features", block.type))]


def build_target_proxy(block: ResolvedBlock, context: TerraformContext) -> list[TargetProxy]:
    return [TargetProxy(**context.identity(block), ssl_policy=_ssl_policy(block, context))]


def _ssl_policy(block: ResolvedBlock, context: TerraformContext) -> Field:
    config = block.config
    if config.get("ssl_policy") is None:
        # No policy on the proxy: Google applies its default, COMPATIBLE with TLS 1.0.
        default = load_table("gcp_tls")["default_policy"]
        value = policy_settings("the Google default SSL policy", default["min_tls_version"],
                                default["profile"], None)
        return Field.default(value, "ssl_policy", "Google Cloud default SSL policy")
    written = config.get("ssl_policy")
    line = config.line_of("ssl_policy")
    if isinstance(written, Branches):
        options = tuple(_policy_settings(option, context) for option in written.options)
        return Field(Branches(options, written.labels), FieldState.SET, "ssl_policy", line)
    settings = _policy_settings(written, context)
    if isinstance(settings, Unknown):
        return Field(None, FieldState.UNKNOWN, "ssl_policy", line, settings.reason)
    return Field(settings, FieldState.SET, "ssl_policy", line)


def _policy_settings(value: Any, context: TerraformContext) -> dict[str, Any] | Unknown:
    """The settings of the policy a proxy names: a reference, or a name / URL whose last
    segment is the `name` of a policy declared in the scanned files."""
    if isinstance(value, ResourceRef):
        if value.resource_type in _POLICY_TYPES and isinstance(value.arguments, ConfigNode):
            return _settings_of(f"{value.resource_type}.{value.name}", value.resource_type,
                                value.arguments)
        return Unknown(f"{value} is not an SSL policy declared in the scanned files")
    if isinstance(value, str):
        name = value.rstrip("/").rsplit("/", 1)[-1]
        for kind in _POLICY_TYPES:
            for policy in context.of_type(kind):
                if policy.config.get("name") == name:
                    return _settings_of(policy.address, kind, policy.config)
        return Unknown(f"SSL policy {value} is not declared in the scanned files")
    if isinstance(value, Unknown):
        return value
    return Unknown("the SSL policy reference is not understood")


def _settings_of(name: str, source_type: str, config: ConfigNode) -> dict[str, Any]:
    def part(path: str) -> Any:
        field = field_at(config, path, source_type)
        return field.value if field.is_known else Unknown(field.reason)

    return policy_settings(name, part("min_tls_version"), part("profile"),
                           part("custom_features"))


def build_disk(block: ResolvedBlock, context: TerraformContext) -> list[Disk]:
    # Zonal disks name the key kms_key_self_link, regional disks kms_key_name.
    path = ("disk_encryption_key.kms_key_name" if block.type == "google_compute_region_disk"
            else "disk_encryption_key.kms_key_self_link")
    return [Disk(**context.identity(block), kms_key=field_at(block.config, path, block.type))]


BUILDERS = {
    "google_compute_ssl_policy": build_ssl_policy,
    "google_compute_region_ssl_policy": build_ssl_policy,
    "google_compute_target_https_proxy": build_target_proxy,
    "google_compute_region_target_https_proxy": build_target_proxy,
    "google_compute_target_ssl_proxy": build_target_proxy,
    "google_compute_disk": build_disk,
    "google_compute_region_disk": build_disk,
}
