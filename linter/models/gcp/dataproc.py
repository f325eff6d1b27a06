"""Dataproc clusters and Dataproc Metastore services."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    """A Dataproc cluster: whether a customer-managed key encrypts its VMs' persistent disks."""

    MODEL = "gcp.dataproc.Cluster"

    # The Cloud KMS key that encrypts the persistent disks of the cluster's VMs
    # (cluster_config.encryption_config.kms_key_name); absent: Google-managed keys.
    kms_key: Field


@dataclass(frozen=True, kw_only=True)
class MetastoreService(Resource):
    """A Dataproc Metastore service: whether a customer-managed key encrypts its Hive metastore."""

    MODEL = "gcp.dataproc.MetastoreService"

    # The Cloud KMS key that encrypts the Hive metastore's database and artifacts
    # (encryption_config.kms_key); absent: Google-managed keys.
    kms_key: Field
