"""AWS Secrets Manager secrets."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Secret(Resource):
    """A Secrets Manager secret: the KMS key that encrypts its value."""

    MODEL = "aws.secretsmanager.Secret"

    # The KMS key that encrypts the secret value; absent: the AWS-managed
    # alias/aws/secretsmanager key.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Secret values are always encrypted with some KMS key."""
        return Field.derived(True, self.kms_key.attribute)
