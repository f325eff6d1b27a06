"""Azure Databricks workspaces: notebooks, query results and the DBFS root storage
account that data scientists fill with ePHI extracts."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Workspace(Resource):
    """A Databricks workspace: whether customer-managed keys encrypt its managed services,
    cluster disks and DBFS root, and whether the DBFS root is double-encrypted."""

    MODEL = "azure.databricks.Workspace"

    # managed_services_cmk_key_vault_key_id: the Key Vault key for the control plane's
    # copies of notebooks, secrets, query results and history; absent: Microsoft keys.
    managed_services_key: Field
    # managed_disk_cmk_key_vault_key_id: the Key Vault key for the cluster VMs' managed
    # disks in the data plane; absent: platform-managed keys.
    managed_disk_key: Field
    # True when the DBFS root storage account is encrypted with a Key Vault key: an
    # azurerm_databricks_workspace_root_dbfs_customer_managed_key (or its pre-4.0 name
    # azurerm_databricks_workspace_customer_managed_key) names this workspace. False:
    # Microsoft-managed keys (customer_managed_key_enabled alone only prepares the
    # identity, it sets no key).
    dbfs_root_key: Field
    # True: the DBFS root storage account adds infrastructure (double) encryption with a
    # second, platform-managed key; default false, chosen at creation (premium sku only).
    infrastructure_encryption: Field
