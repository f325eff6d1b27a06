"""azurerm_storage_account, with its separate customer-managed key and network rules
resources."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from linter.adapters.fields import as_bool, blocks, field_at, lookup
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform._address_ranges import address_ranges
from linter.adapters.terraform._azure_fields import configured_by, renamed_field
from linter.models.azure.storage import StorageAccount
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.values import Branches, ConfigNode, Unknown

_KEY_NAMES = ("key_vault_key_id", "managed_hsm_key_id")
# The separate resource names the key by vault and key name, or by Managed HSM key id.
_COMPANION_KEY_NAMES = ("key_name", "managed_hsm_key_id")


def build_storage_account(block: ResolvedBlock,
                          context: TerraformContext) -> list[StorageAccount]:
    config = block.config
    default_action, ip_rules = _network_rules(block, context)
    return [StorageAccount(
        **context.identity(block),
        min_tls_version=field_at(config, "min_tls_version", block.type),
        https_traffic_only=as_bool(renamed_field(
            config, "https_traffic_only_enabled", "enable_https_traffic_only", block.type)),
        infrastructure_encryption=as_bool(
            field_at(config, "infrastructure_encryption_enabled", block.type)),
        customer_managed_key=_customer_managed_key(block, context),
        queue_encryption_key_type=field_at(config, "queue_encryption_key_type", block.type),
        table_encryption_key_type=field_at(config, "table_encryption_key_type", block.type),
        public_network_access=as_bool(
            field_at(config, "public_network_access_enabled", block.type)),
        nested_items_public=as_bool(_nested_items_public(config, block.type)),
        network_default_action=default_action, network_ip_rules=ip_rules)]


def _customer_managed_key(block: ResolvedBlock, context: TerraformContext) -> Field:
    inline = Field.absent("customer_managed_key")
    for node, _line in blocks(block.config, "customer_managed_key"):
        for name in _KEY_NAMES:
            if node.get(name) is not None:
                inline = field_at(node, name, block.type,
                                  attribute=f"customer_managed_key.{name}")
                break
    companions = context.referencing("azurerm_storage_account_customer_managed_key",
                                     "storage_account_id", block)
    return configured_by(inline, companions, _COMPANION_KEY_NAMES, "customer_managed_key")


def _nested_items_public(config: ConfigNode, source_type: str) -> Field:
    """allow_nested_items_to_be_public, else its azurerm 2.x name allow_blob_public_access.

    Not renamed_field: the 2.x argument defaulted to false and the 3.x/4.x one to true,
    and a configuration that writes neither gets the current provider's default (true).
    """
    if config.get("allow_nested_items_to_be_public") is None \
            and config.get("allow_blob_public_access") is not None:
        return as_bool(field_at(config, "allow_blob_public_access", source_type))
    return as_bool(field_at(config, "allow_nested_items_to_be_public", source_type))


def _network_rules(block: ResolvedBlock, context: TerraformContext) -> tuple[Field, Field]:
    """The firewall's default action and IP ranges, from the inline network_rules block
    or else an azurerm_storage_account_network_rules resource for this account (the
    provider forbids using both); neither: Azure's default, which admits every network."""
    config = block.config
    companions = _network_rule_resources(block, context)
    if config.get("network_rules") is None and companions:
        other = companions[0]
        action = field_at(other.config, "default_action", other.type,
                          attribute=f"{other.type}.default_action")
        ranges = _ip_rules(other.config, "ip_rules", f"{other.type}.ip_rules")
        return replace(action, path=other.path), replace(ranges, path=other.path)
    return (field_at(config, "network_rules.default_action", block.type),
            _ip_rules(config, "network_rules.ip_rules", "network_rules.ip_rules"))


def _network_rule_resources(block: ResolvedBlock,
                            context: TerraformContext) -> list[ResolvedBlock]:
    # storage_account_id since azurerm 3.0; storage_account_name in 2.x.
    return [other for argument in ("storage_account_id", "storage_account_name")
            for other in context.referencing("azurerm_storage_account_network_rules",
                                             argument, block)]


def _ip_rules(node: ConfigNode, path: str, attribute: str) -> Field:
    value, line, found = lookup(node, path)
    if not found or value is None:
        return Field.absent(attribute)
    if isinstance(value, Unknown):
        return Field(None, FieldState.UNKNOWN, attribute, line, value.reason)
    # A conditional list is judged on every branch's ranges at once: one open branch fails.
    options: list[Any] = list(value.options) if isinstance(value, Branches) else [value]
    items = [item for option in options
             for item in (option if isinstance(option, list) else [option])]
    return address_ranges([(item, line) for item in items], attribute, line)


BUILDERS = {"azurerm_storage_account": build_storage_account}
