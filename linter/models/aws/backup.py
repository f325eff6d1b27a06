"""AWS Backup vaults."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Vault(Resource):
    MODEL = "aws.backup.Vault"

    # The KMS key that encrypts recovery points (a ResourceRef, key ARN or alias); absent
    # means AWS Backup uses its AWS-managed aws/backup key.
    kms_key: Field
