"""AWS Systems Manager Parameter Store parameters."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Parameter(Resource):
    MODEL = "aws.ssm.Parameter"

    # The parameter's name (`/ehr/db/password`); the rules read credential hints from it.
    name: Field
    # Free text describing the parameter; also searched for credential hints.
    description: Field
    # String or StringList (stored in plaintext) or SecureString (encrypted with KMS).
    type: Field
    # The KMS key of a SecureString; absent: the AWS-managed alias/aws/ssm key.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Only SecureString parameters are encrypted at rest."""
        return derived_switch(self.type, lambda value: value == "SecureString")
