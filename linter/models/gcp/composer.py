"""Cloud Composer environments."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Environment(Resource):
    """A Cloud Composer environment: whether a customer-managed key encrypts its data."""

    MODEL = "gcp.composer.Environment"

    # The Cloud KMS key that encrypts the environment's data: its Cloud Storage bucket,
    # Airflow database and cluster disks (config.encryption_config.kms_key_name);
    # absent: Google-managed keys. Set only at creation.
    kms_key: Field
