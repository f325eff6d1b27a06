"""Cloud Spanner databases."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Database(Resource):
    """A Cloud Spanner database: whether customer-managed keys encrypt it and its backups."""

    MODEL = "gcp.spanner.Database"

    # The Cloud KMS key (or, for multi-region instances, the list of keys) the database
    # and its backups are encrypted with (encryption_config.kms_key_name or
    # kms_key_names); absent: Google-managed encryption keys.
    kms_key: Field
