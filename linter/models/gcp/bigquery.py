"""BigQuery datasets and tables."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Dataset(Resource):
    """A BigQuery dataset: the customer-managed key that encrypts its new tables by default."""

    MODEL = "gcp.bigquery.Dataset"

    # The Cloud KMS key new tables of the dataset are encrypted with when they name no
    # key of their own (default_encryption_configuration.kms_key_name); absent:
    # Google-managed encryption keys.
    kms_key: Field


@dataclass(frozen=True, kw_only=True)
class Table(Resource):
    """A BigQuery table: whether a customer-managed key, its own or its dataset's, encrypts it."""

    MODEL = "gcp.bigquery.Table"

    # The Cloud KMS key the table is encrypted with: its own encryption_configuration
    # key, else the default key of its dataset when that dataset is in the scan (the
    # attribute then names the dataset's setting). Absent: Google-managed encryption
    # keys. UNKNOWN when the table names no key and its dataset is not in the scan.
    kms_key: Field
