"""Google Kubernetes Engine clusters."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    """A GKE cluster: whether its Secrets are encrypted in etcd with a Cloud KMS key."""

    MODEL = "gcp.container.Cluster"

    # Application-layer encryption of Secrets in etcd: ENCRYPTED, or DECRYPTED (the
    # default: Secrets are plaintext at the etcd level, under disk encryption only).
    secrets_encryption: Field
    # The Cloud KMS key that encrypts Secrets when the state is ENCRYPTED.
    kms_key: Field


@dataclass(frozen=True, kw_only=True)
class NodePool(Resource):
    """The VMs a GKE cluster runs workloads on: a google_container_node_pool, a node_pool
    block of a cluster, the cluster's default pool (unless removed), or an Autopilot
    cluster's auto-provisioned nodes."""

    MODEL = "gcp.container.NodePool"

    # node_config.boot_disk_kms_key (Autopilot: cluster_autoscaling.
    # auto_provisioning_defaults.boot_disk_kms_key): the Cloud KMS key of every node's boot
    # disk, which holds container images, emptyDir volumes and logs; absent: Google-managed.
    boot_disk_kms_key: Field
    # Confidential GKE Nodes: node memory encrypted with a per-node key. The pool's own
    # node_config.confidential_nodes.enabled, else the cluster-wide confidential_nodes
    # block; default false.
    confidential_nodes: Field
    # node_config.shielded_instance_config.enable_secure_boot: nodes boot only signed
    # bootloaders and kernels; default false (always on for Autopilot).
    secure_boot: Field
