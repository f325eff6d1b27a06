"""Azure Synapse Analytics workspaces: the practice's analytics warehouse of claims,
encounters and population-health extracts."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Workspace(Resource):
    """A Synapse workspace: whether a customer-managed key adds a second layer of encryption."""

    MODEL = "azure.synapse.Workspace"

    # The Key Vault key (customer_managed_key.key_versionless_id) that adds a second,
    # customer-managed layer of encryption over the workspace's SQL pools and storage;
    # absent: Microsoft-managed keys only. Chosen at creation.
    customer_managed_key: Field
