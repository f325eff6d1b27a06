"""Azure Data Factory: pipelines that copy ePHI between the EHR, the lake and partners,
holding their connection definitions and credentials."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Factory(Resource):
    """A Data Factory: whether a customer-managed key encrypts its metadata and credentials."""

    MODEL = "azure.datafactory.Factory"

    # customer_managed_key_id: the Key Vault key that encrypts the factory's metadata
    # (linked services, credentials, pipeline definitions); absent: Microsoft keys.
    customer_managed_key: Field
