"""AWS::Glue::DataCatalogEncryptionSettings and AWS::Glue::SecurityConfiguration."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.glue import DataCatalogEncryption, SecurityConfiguration
from linter.models.base import Field
from linter.resolve.cloudformation import ResolvedResource

_AT_REST = "DataCatalogEncryptionSettings.EncryptionAtRest."
_PASSWORDS = "DataCatalogEncryptionSettings.ConnectionPasswordEncryption."
_MODES = "EncryptionConfiguration."


def _reader(resource: ResolvedResource):  # type: ignore[no-untyped-def]
    def read(path: str) -> Field:
        return field_at(resource.properties, path, resource.type,
                        attribute=f"Properties.{path}")
    return read


def build_catalog(resource: ResolvedResource,
                  context: TemplateContext) -> list[DataCatalogEncryption]:
    read = _reader(resource)
    return [DataCatalogEncryption(
        **context.identity(resource),
        catalog_encryption_mode=read(_AT_REST + "CatalogEncryptionMode"),
        kms_key=read(_AT_REST + "SseAwsKmsKeyId"),
        connection_password_encrypted=as_bool(
            read(_PASSWORDS + "ReturnConnectionPasswordEncrypted")))]


def build_security_configuration(resource: ResolvedResource,
                                 context: TemplateContext) -> list[SecurityConfiguration]:
    read = _reader(resource)
    return [SecurityConfiguration(
        **context.identity(resource),
        # S3Encryptions is a list; the first entry is judged.
        s3_encryption_mode=read(_MODES + "S3Encryptions.S3EncryptionMode"),
        cloudwatch_encryption_mode=read(_MODES + "CloudWatchEncryption.CloudWatchEncryptionMode"),
        job_bookmarks_encryption_mode=read(
            _MODES + "JobBookmarksEncryption.JobBookmarksEncryptionMode"),
        kms_key=read(_MODES + "S3Encryptions.KmsKeyArn"))]


BUILDERS = {"AWS::Glue::DataCatalogEncryptionSettings": build_catalog,
            "AWS::Glue::SecurityConfiguration": build_security_configuration}
