"""Cloud Data Fusion instances."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Instance(Resource):
    """A Cloud Data Fusion instance: whether a customer-managed key encrypts its pipeline data."""

    MODEL = "gcp.data_fusion.Instance"

    # The Cloud KMS key that encrypts the instance's pipeline data, metadata and the
    # buckets and disks it creates (crypto_key_config.key_reference); absent:
    # Google-managed keys.
    kms_key: Field
