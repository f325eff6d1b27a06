"""google_compute_*: SSL policies, target HTTPS/SSL proxies, persistent disks, VM instances
and instance templates."""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import as_bool, blocks, field_at, lookup
from linter.adapters.terraform import TerraformContext
from linter.models.base import Field, FieldState
from linter.models.gcp.compute import Disk, SslPolicy, TargetProxy, policy_settings
from linter.models.gcp.instances import Instance, InstanceDisk
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
    return [Disk(**context.identity(block), kms_key=field_at(block.config, path, block.type),
                 customer_supplied_key=_customer_key(
                     block.config, ("disk_encryption_key.raw_key",
                                    "disk_encryption_key.rsa_encrypted_key")))]


# Arguments that carry customer-supplied key material (CSEK), per disk.
_INSTANCE_RAW_KEYS = ("disk_encryption_key_raw", "disk_encryption_key_rsa")


def _customer_key(node: ConfigNode | None, paths: tuple[str, ...], prefix: str = "") -> Field:
    """True at the first written key-material argument; false when none is written."""
    for path in paths:
        value, line, found = lookup(node, path)
        # Written at all is enough, even when its value is a variable: the key material
        # then passes through the Terraform configuration and state.
        if found and value is not None and value != "":
            return Field.derived(True, f"{prefix}{path}", line)
    return Field(False, FieldState.DEFAULT, f"{prefix}{paths[0]}", None,
                 "no customer-supplied key is written")


def build_instance(block: ResolvedBlock, context: TerraformContext) -> list[Instance]:
    """A VM: its boot disk (when created from an image here) and every key written for
    its boot and attached disks."""
    config = block.config
    disks = []
    for boot, line in blocks(config, "boot_disk")[:1]:
        if boot.get("source") is None:  # an attached existing disk is judged on its own
            disks.append(InstanceDisk(
                label="boot_disk", line=line,
                kms_key=field_at(boot, "kms_key_self_link", block.type,
                                 attribute="boot_disk.kms_key_self_link"),
                customer_supplied_key=_customer_key(boot, _INSTANCE_RAW_KEYS, "boot_disk.")))
    keys = [_customer_key(boot, _INSTANCE_RAW_KEYS, "boot_disk.")
            for boot, _ in blocks(config, "boot_disk")[:1]]
    keys += [_customer_key(disk, _INSTANCE_RAW_KEYS, f"attached_disk[{index}].")
             for index, (disk, _) in enumerate(blocks(config, "attached_disk"))]
    return [Instance(**context.identity(block), disks=tuple(disks),
                     customer_supplied_key=_first_key(keys),
                     confidential_compute=_confidential(config, block.type))]


def build_instance_template(block: ResolvedBlock,
                            context: TerraformContext) -> list[Instance]:
    """A template: every persistent disk it creates (from an image or a snapshot)."""
    config = block.config
    disks = []
    for index, (disk, line) in enumerate(blocks(config, "disk")):
        if disk.get("source") is not None or str(disk.get("type", "")).upper() == "SCRATCH":
            continue  # an existing disk is judged on its own; local SSDs take no CMEK
        label = f"disk[{index}]"
        disks.append(InstanceDisk(
            label=label, line=line,
            kms_key=field_at(disk, "disk_encryption_key.kms_key_self_link", block.type,
                             attribute=f"{label}.disk_encryption_key.kms_key_self_link"),
            customer_supplied_key=Field(False, FieldState.DEFAULT,
                                        f"{label}.disk_encryption_key", None,
                                        "templates take only Cloud KMS keys for disks")))
    return [Instance(**context.identity(block), disks=tuple(disks),
                     customer_supplied_key=Field(False, FieldState.DEFAULT,
                                                 "disk.disk_encryption_key", None,
                                                 "templates take only Cloud KMS keys"),
                     confidential_compute=_confidential(config, block.type))]


def _first_key(keys: list[Field]) -> Field:
    written = [key for key in keys if key.value is True]
    return written[0] if written else (keys[0] if keys else Field(
        False, FieldState.DEFAULT, "boot_disk", None, "no customer-supplied key is written"))


def _confidential(config: ConfigNode, source_type: str) -> Field:
    """Confidential VM: enable_confidential_compute, or a confidential_instance_type."""
    kind = field_at(config, "confidential_instance_config.confidential_instance_type",
                    source_type)
    if kind.state is FieldState.SET and not isinstance(kind.value, Branches):
        return Field(str(kind.value).upper() in ("SEV", "SEV_SNP", "TDX"), kind.state,
                     kind.attribute, kind.line)
    if kind.state is FieldState.UNKNOWN:
        return kind
    return as_bool(field_at(config, "confidential_instance_config.enable_confidential_compute",
                            source_type))


BUILDERS = {
    "google_compute_ssl_policy": build_ssl_policy,
    "google_compute_region_ssl_policy": build_ssl_policy,
    "google_compute_target_https_proxy": build_target_proxy,
    "google_compute_region_target_https_proxy": build_target_proxy,
    "google_compute_target_ssl_proxy": build_target_proxy,
    "google_compute_disk": build_disk,
    "google_compute_region_disk": build_disk,
    "google_compute_instance": build_instance,
    "google_compute_instance_template": build_instance_template,
    "google_compute_region_instance_template": build_instance_template,
}
