"""azurerm_databricks_workspace, with the separate resource that sets its DBFS root key.

A module because the DBFS root storage account's key is not an argument of the
workspace: azurerm_databricks_workspace_root_dbfs_customer_managed_key (before azurerm
4.0 also azurerm_databricks_workspace_customer_managed_key) names the workspace by
workspace_id. customer_managed_key_enabled alone only gives the storage account an
identity that could reach a key.
"""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform._azure_fields import configured_by
from linter.models.azure.databricks import Workspace
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock

DBFS_ROOT_KEY_RESOURCES = ("azurerm_databricks_workspace_root_dbfs_customer_managed_key",
                           "azurerm_databricks_workspace_customer_managed_key")


def build_workspace(block: ResolvedBlock, context: TerraformContext) -> list[Workspace]:
    config = block.config
    return [Workspace(
        **context.identity(block),
        managed_services_key=field_at(config, "managed_services_cmk_key_vault_key_id",
                                      block.type),
        managed_disk_key=field_at(config, "managed_disk_cmk_key_vault_key_id", block.type),
        dbfs_root_key=_dbfs_root_key(block, context),
        infrastructure_encryption=as_bool(
            field_at(config, "infrastructure_encryption_enabled", block.type)))]


def _dbfs_root_key(block: ResolvedBlock, context: TerraformContext) -> Field:
    companions = [other for source_type in DBFS_ROOT_KEY_RESOURCES
                  for other in context.referencing(source_type, "workspace_id", block)]
    found = configured_by(Field.absent("dbfs_root_key"), companions, ("key_vault_key_id",),
                          "dbfs_root_key")
    if found.state is not FieldState.ABSENT:
        return found
    # The finding points at customer_managed_key_enabled when it is written: the
    # workspace was prepared for a key that no resource in the scan sets.
    prepared = field_at(block.config, "customer_managed_key_enabled", block.type)
    return Field(False, FieldState.DEFAULT, "dbfs_root_key", prepared.line,
                 "no azurerm_databricks_workspace_root_dbfs_customer_managed_key names "
                 "this workspace")


BUILDERS = {"azurerm_databricks_workspace": build_workspace}
