"""The nodes of GKE clusters -> gcp.container.NodePool.

A cluster's nodes are its default pool (unless removed or replaced by node_pool blocks),
each node_pool block, or an Autopilot cluster's auto-provisioned nodes; a separate
google_container_node_pool inherits confidential nodes from the cluster it names, so the
cluster is looked up through the reference. (gcp_container.py builds the cluster itself;
a builder returns one model type, so the nodes are built here.)
"""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import as_bool, blocks, field_at, lookup
from linter.adapters.terraform import TerraformContext
from linter.models.base import Field, FieldState, SourceLocation
from linter.models.gcp.container import NodePool
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, ResourceRef, Unknown

_CLUSTER = "google_container_cluster"
_NODE_POOL = "google_container_node_pool"
_CONFIDENTIAL = "confidential_nodes.enabled"
_AUTOPILOT_KEY = "cluster_autoscaling.auto_provisioning_defaults.boot_disk_kms_key"
_SECURE_BOOT = "node_config.shielded_instance_config.enable_secure_boot"


def build_cluster_nodes(block: ResolvedBlock, context: TerraformContext) -> list[NodePool]:
    config = block.config
    identity = context.identity(block)
    cluster_confidential = as_bool(field_at(config, _CONFIDENTIAL, _CLUSTER))
    autopilot = as_bool(field_at(config, "enable_autopilot", _CLUSTER))
    if autopilot.is_known and autopilot.value is True:
        return [NodePool(**dict(identity, address=f"{block.address}.autopilot_nodes"),
                         boot_disk_kms_key=field_at(config, _AUTOPILOT_KEY, _CLUSTER),
                         confidential_nodes=cluster_confidential,
                         secure_boot=Field(True, FieldState.DEFAULT, "enable_autopilot", None,
                                           "Autopilot nodes always use Secure Boot"))]
    removed = as_bool(field_at(config, "remove_default_node_pool", _CLUSTER))
    # Unknown removal: the default pool may not exist; leave it unjudged, never guess.
    default_removed = not removed.is_known or removed.value is True
    inline = blocks(config, "node_pool")
    if inline:
        pools = []
        for index, (pool, line) in enumerate(inline):
            if default_removed and pool.get("name") == "default-pool":
                continue  # remove_default_node_pool deletes it after creation
            label = f"node_pool[{index}]"
            pools.append(_pool(dict(identity, address=f"{block.address}.{label}",
                                    location=SourceLocation(block.path, line,
                                                            pool.end_line)),
                               pool, f"{label}.", cluster_confidential))
        return pools
    if default_removed or not autopilot.is_known:
        return []
    return [_pool(dict(identity, address=f"{block.address}.default_node_pool"), config, "",
                  cluster_confidential)]


def _pool(identity: dict[str, Any], pool: ConfigNode, prefix: str,
          cluster_confidential: Field) -> NodePool:
    """A pool from the node_config under `pool` (a node pool, a node_pool block or the
    cluster itself for its default pool)."""
    key = field_at(pool, "node_config.boot_disk_kms_key", _NODE_POOL,
                   attribute=f"{prefix}node_config.boot_disk_kms_key")
    own = as_bool(field_at(pool, f"node_config.{_CONFIDENTIAL}", _NODE_POOL,
                           attribute=f"{prefix}node_config.{_CONFIDENTIAL}"))
    confidential = own if own.state is FieldState.SET or not own.is_known \
        else cluster_confidential
    secure_boot = as_bool(field_at(pool, _SECURE_BOOT, _NODE_POOL,
                                   attribute=f"{prefix}{_SECURE_BOOT}"))
    return NodePool(**identity, boot_disk_kms_key=key, confidential_nodes=confidential,
                    secure_boot=secure_boot)


def build_node_pool(block: ResolvedBlock, context: TerraformContext) -> list[NodePool]:
    return [_pool(context.identity(block), block.config, "",
                  _cluster_setting(block.config, context))]


def _cluster_config(cluster: Any, context: TerraformContext) -> ConfigNode | None:
    """The configuration of the cluster a pool names: by reference, or by a name, id or
    URL whose last segment is the `name` of a cluster of the same module."""
    if isinstance(cluster, ResourceRef) and cluster.resource_type == _CLUSTER \
            and isinstance(cluster.arguments, ConfigNode):
        return cluster.arguments
    if isinstance(cluster, str) and cluster.strip():
        name = cluster.rstrip("/").rsplit("/", 1)[-1]
        for candidate in context.of_type(_CLUSTER):
            if candidate.config.get("name") == name:
                return candidate.config
    return None


def _cluster_setting(config: ConfigNode, context: TerraformContext) -> Field:
    """The cluster-wide confidential_nodes of the cluster the pool names, for a pool that
    does not set its own."""
    cluster = config.get("cluster")
    line = config.line_of("cluster") if "cluster" in config else None
    cluster_config = _cluster_config(cluster, context)
    if cluster_config is not None:
        _, _, found = lookup(cluster_config, _CONFIDENTIAL)
        if not found:
            return Field.default(False, f"node_config.{_CONFIDENTIAL}",
                                 "neither the pool nor its cluster enables it")
        field = as_bool(field_at(cluster_config, _CONFIDENTIAL, _CLUSTER,
                                 attribute=f"cluster {_CONFIDENTIAL}"))
        return Field(field.value, field.state, field.attribute, line, field.reason)
    reason = cluster.reason if isinstance(cluster, Unknown) else \
        f"the cluster {cluster} is not declared in the scanned files"
    return Field(None, FieldState.UNKNOWN, f"node_config.{_CONFIDENTIAL}", line,
                 f"the pool does not set it and {reason}; its cluster-wide setting applies")


BUILDERS = {_CLUSTER: build_cluster_nodes, _NODE_POOL: build_node_pool}
