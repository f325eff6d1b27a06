"""azurerm_kubernetes_cluster, judged for the keys of its etcd secrets and node disks.

A module rather than a mapping-table entry because the same resource also yields its
default node pool (azure_data_aks_node_pool.py), and a source type has one home.
"""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.azure.aks import Cluster
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode


def build_cluster(block: ResolvedBlock, context: TerraformContext) -> list[Cluster]:
    config = block.config
    return [Cluster(
        **context.identity(block),
        kms_etcd_encryption=_kms_etcd_encryption(config),
        disk_encryption_set=field_at(config, "disk_encryption_set_id", block.type))]


def _kms_etcd_encryption(config: ConfigNode) -> Field:
    """True when a key_management_service block names a key. The key id is required in
    the block, so a written block is a configured key; a key that is a variable is
    still a configured key, and a block from a dynamic expression is unknown."""
    shown = "key_management_service"
    if config.get(shown) is None:
        return Field(False, FieldState.DEFAULT, shown, None, "not written: etcd is "
                     "encrypted with Microsoft-managed keys only")
    key = field_at(config, f"{shown}.key_vault_key_id", "azurerm_kubernetes_cluster",
                   attribute=f"{shown}.key_vault_key_id")
    if key.state is FieldState.ABSENT:
        line = config.line_of(shown)
        value = config.get(shown)
        if isinstance(value, list) and not value:
            return Field(False, FieldState.SET, shown, line)
        return Field(None, FieldState.UNKNOWN, shown, line,
                     "the block's key_vault_key_id is not known")
    return Field.derived(True, key.attribute, key.line)


BUILDERS = {"azurerm_kubernetes_cluster": build_cluster}
