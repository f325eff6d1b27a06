"""AWS Glue: Data Catalog encryption settings and security configurations."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class DataCatalogEncryption(Resource):
    """Glue Data Catalog encryption: the metadata mode and key, and connection passwords."""

    MODEL = "aws.glue.DataCatalogEncryption"

    # DISABLED (metadata in plaintext), SSE-KMS or SSE-KMS-WITH-SERVICE-ROLE.
    catalog_encryption_mode: Field
    # The KMS key for catalog metadata; absent: the AWS-managed alias/aws/glue key.
    kms_key: Field
    # True when connection passwords are returned (and stored) encrypted with KMS.
    connection_password_encrypted: Field

    @property
    def encryption_enabled(self) -> Field:
        return derived_switch(self.catalog_encryption_mode,
                              lambda value: isinstance(value, str) and value.startswith("SSE-KMS"))


@dataclass(frozen=True, kw_only=True)
class SecurityConfiguration(Resource):
    """A Glue security configuration: how job output in S3, logs and bookmarks are encrypted."""

    MODEL = "aws.glue.SecurityConfiguration"

    # What jobs, crawlers and endpoints using this configuration write to S3:
    # DISABLED (plaintext, the default), SSE-S3 or SSE-KMS.
    s3_encryption_mode: Field
    # CloudWatch Logs written by those jobs: DISABLED (default) or SSE-KMS.
    cloudwatch_encryption_mode: Field
    # Job bookmarks (which records were processed): DISABLED (default) or CSE-KMS.
    job_bookmarks_encryption_mode: Field
    # The KMS key of the S3 output; absent with SSE-S3 (S3-managed keys).
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        return derived_switch(self.s3_encryption_mode, lambda value: value == "SSE-KMS")
