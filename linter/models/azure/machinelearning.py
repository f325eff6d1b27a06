"""Azure Machine Learning workspaces: training data, models and run outputs built from
patient records."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Workspace(Resource):
    """A Machine Learning workspace: whether a customer-managed key encrypts its metadata."""

    MODEL = "azure.machinelearning.Workspace"

    # encryption.key_id: the Key Vault key that encrypts the workspace's metadata store,
    # search index and Cosmos DB; absent: Microsoft-managed keys. Chosen at creation.
    customer_managed_key: Field
