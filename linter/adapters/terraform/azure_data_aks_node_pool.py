"""The default node pool of an AKS cluster, judged like any node pool for encryption at
host (the separate azurerm_kubernetes_cluster_node_pool is mapped in
tables/mappings/azure_data.yaml).

A separate module because the cluster itself is built in azure_data_aks.py and a module
maps each source type to one builder.
"""

from __future__ import annotations

from linter.adapters.fields import as_bool, blocks, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.azure.aks import NodePool
from linter.models.base import SourceLocation
from linter.resolve.terraform import ResolvedBlock

# azurerm 4.0 renamed enable_host_encryption to host_encryption_enabled; configurations in
# the wild use both. The default is recorded under the 4.x name
# (tables/defaults/azure_data_aks.yaml).
_CURRENT, _PREVIOUS = "host_encryption_enabled", "enable_host_encryption"


def build_default_node_pool(block: ResolvedBlock,
                            context: TerraformContext) -> list[NodePool]:
    found = blocks(block.config, "default_node_pool")
    if not found:
        return []
    node, line = found[0]
    identity = context.identity(block)
    # The finding points at the default_node_pool block, and the address names the pool.
    identity["address"] = f"{block.address}.default_node_pool"
    identity["location"] = SourceLocation(block.path, line, block.end_line)
    name = _PREVIOUS if node.get(_CURRENT) is None and node.get(_PREVIOUS) is not None \
        else _CURRENT
    return [NodePool(**identity, encryption_at_host=as_bool(field_at(
        block.config, f"default_node_pool.{name}", block.type)))]


BUILDERS = {"azurerm_kubernetes_cluster": build_default_node_pool}
