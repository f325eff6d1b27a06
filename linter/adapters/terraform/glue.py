"""aws_glue_data_catalog_encryption_settings and aws_glue_security_configuration."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.glue import DataCatalogEncryption, SecurityConfiguration
from linter.resolve.terraform import ResolvedBlock

_AT_REST = "data_catalog_encryption_settings.encryption_at_rest."
_PASSWORDS = "data_catalog_encryption_settings.connection_password_encryption."
_MODES = "encryption_configuration."


def build_catalog(block: ResolvedBlock,
                  context: TerraformContext) -> list[DataCatalogEncryption]:
    config = block.config
    return [DataCatalogEncryption(
        **context.identity(block),
        catalog_encryption_mode=field_at(config, _AT_REST + "catalog_encryption_mode",
                                         block.type),
        kms_key=field_at(config, _AT_REST + "sse_aws_kms_key_id", block.type),
        connection_password_encrypted=as_bool(field_at(
            config, _PASSWORDS + "return_connection_password_encrypted", block.type)))]


def build_security_configuration(block: ResolvedBlock,
                                 context: TerraformContext) -> list[SecurityConfiguration]:
    config = block.config
    return [SecurityConfiguration(
        **context.identity(block),
        s3_encryption_mode=field_at(config, _MODES + "s3_encryption.s3_encryption_mode",
                                    block.type),
        cloudwatch_encryption_mode=field_at(
            config, _MODES + "cloudwatch_encryption.cloudwatch_encryption_mode", block.type),
        job_bookmarks_encryption_mode=field_at(
            config, _MODES + "job_bookmarks_encryption.job_bookmarks_encryption_mode",
            block.type),
        kms_key=field_at(config, _MODES + "s3_encryption.kms_key_arn", block.type))]


BUILDERS = {"aws_glue_data_catalog_encryption_settings": build_catalog,
            "aws_glue_security_configuration": build_security_configuration}
