"""Cloud SQL instances (MySQL, PostgreSQL, SQL Server)."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class DatabaseInstance(Resource):
    MODEL = "gcp.sql.DatabaseInstance"

    # ALLOW_UNENCRYPTED_AND_ENCRYPTED (the default: plaintext accepted), ENCRYPTED_ONLY, or
    # TRUSTED_CLIENT_CERTIFICATE_REQUIRED (TLS plus a valid client certificate).
    ssl_mode: Field
    # Legacy switch: true means TLS with client certificates is required.
    require_ssl: Field
    # The Cloud KMS key (CMEK) for the instance's disks and backups; absent: Google-managed.
    kms_key: Field
