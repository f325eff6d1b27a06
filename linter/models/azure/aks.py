"""Azure Kubernetes Service: clusters and their node pools, which run the practice's
containerised EHR, imaging and integration workloads."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    """An AKS cluster (azurerm_kubernetes_cluster), judged for the keys of its control
    plane secrets and node disks."""

    MODEL = "azure.aks.Cluster"

    # True when a key_management_service block is written: Kubernetes Secrets in etcd are
    # sealed with the practice's Key Vault key (KMS etcd encryption). Not written: etcd is
    # encrypted with Microsoft-managed keys only.
    kms_etcd_encryption: Field
    # The disk encryption set (customer-managed Key Vault key) for the nodes' OS disks and
    # the Azure Disk volumes the cluster creates; absent: platform-managed keys.
    disk_encryption_set: Field


@dataclass(frozen=True, kw_only=True)
class NodePool(Resource):
    """An AKS node pool: the cluster's default_node_pool block or an
    azurerm_kubernetes_cluster_node_pool. Its nodes are virtual machine scale set VMs."""

    MODEL = "azure.aks.NodePool"

    # True: the nodes' temp disks, ephemeral OS disks and disk caches are encrypted on the
    # host (host_encryption_enabled, enable_host_encryption before azurerm 4.0); default
    # false.
    encryption_at_host: Field
