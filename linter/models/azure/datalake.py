"""Azure Data Lake Storage Gen1 (azurerm_data_lake_store). Gen2 is a storage account and
is judged as one (models/azure/storage.py)."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Store(Resource):
    """A Data Lake Storage Gen1 store: whether its files are encrypted at rest."""

    MODEL = "azure.datalake.Store"

    # Enabled or Disabled: whether the files of the store are encrypted at rest; default
    # Enabled, chosen when the store is created.
    encryption_state: Field
