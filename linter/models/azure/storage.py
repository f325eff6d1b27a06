"""Azure Storage accounts: blob containers and file shares of clinical images."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.address_ranges import is_whole_internet
from linter.models.base import Field, FieldState, Resource
from linter.values import Branches


@dataclass(frozen=True, kw_only=True)
class StorageAccount(Resource):
    """A storage account: HTTPS only and the TLS floor, customer-managed and infrastructure
    encryption, and public network and anonymous access."""

    MODEL = "azure.storage.StorageAccount"

    # The oldest TLS version the account accepts: TLS1_0, TLS1_1, TLS1_2 (azurerm 3.x/4.x
    # default for new accounts; 2.x defaulted to TLS1_0).
    min_tls_version: Field
    # True: requests over plain HTTP (and SMB without encryption) are refused ("secure
    # transfer required"). https_traffic_only_enabled in azurerm 4.x,
    # enable_https_traffic_only in 3.x; default true.
    https_traffic_only: Field
    # True: a second, infrastructure-level AES-256 layer with a separate key; default false.
    infrastructure_encryption: Field
    # True when a customer-managed Key Vault / Managed HSM key encrypts the account (an
    # inline customer_managed_key block or an azurerm_storage_account_customer_managed_key
    # resource); absent: Microsoft-managed keys.
    customer_managed_key: Field
    # Service or Account (queue_encryption_key_type / table_encryption_key_type): Account
    # encrypts queues and tables with the account's key, the customer-managed one when
    # set; Service (the default) keeps them on a Microsoft-managed service key whatever
    # the account uses. Chosen at creation.
    queue_encryption_key_type: Field
    table_encryption_key_type: Field
    # public_network_access_enabled: false closes the public endpoint, leaving private
    # endpoints only. azurerm 3.x/4.x default true.
    public_network_access: Field
    # network_rules.default_action (inline, or an azurerm_storage_account_network_rules
    # resource): Deny admits only ip_rules, subnets and trusted services; without any
    # network rules Azure's firewall default is Allow (every network).
    network_default_action: Field
    # network_rules.ip_rules: public CIDRs admitted when default_action is Deny.
    network_ip_rules: Field
    # allow_nested_items_to_be_public (3.x/4.x, default true; allow_blob_public_access in
    # 2.x, default false): true lets a container opt into anonymous public read access.
    nested_items_public: Field

    @property
    def public_endpoint(self) -> Field:
        """True when the account answers on its public endpoint at all."""
        return self.public_network_access

    @property
    def admitted_sources(self) -> Field:
        """The firewall setting that decides who reaches the public endpoint: an ip_rules
        list holding a /0 range, else the default action (Allow admits every network),
        else ip_rules when they are not known."""
        rules, action = self.network_ip_rules, self.network_default_action
        if rules.state is not FieldState.UNKNOWN \
                and any(is_whole_internet(item) for item in rules.value or []):
            return rules
        if action.state is FieldState.UNKNOWN or isinstance(action.value, Branches) \
                or str(action.value).strip().lower() != "deny":
            return action
        return rules if rules.state is FieldState.UNKNOWN else action

    @property
    def anonymous_access_allowed(self) -> Field:
        """True when containers may be made readable without any credential."""
        return self.nested_items_public
