"""AWS Systems Manager Parameter Store parameters."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Parameter(Resource):
    """An SSM parameter: credential hints in its name and description, its type and its key."""

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


@dataclass(frozen=True, kw_only=True)
class SessionPreferences(Resource):
    """A Session document of sessionType Standard_Stream: the Session Manager preferences
    (SSM-SessionManagerRunShell for the account's defaults, or one named per session)."""

    MODEL = "aws.ssm.SessionPreferences"

    # inputs.kmsKeyId: the KMS key that encrypts session data end to end; absent: only
    # the TLS 1.2 channel protects it.
    kms_key: Field
    # inputs.s3BucketName / cloudWatchLogGroupName: the S3 bucket / CloudWatch Logs group
    # session transcripts are sent to; absent (or empty): none.
    log_bucket: Field
    log_group: Field
    # inputs.s3EncryptionEnabled / cloudWatchEncryptionEnabled: whether Session Manager
    # sends transcripts only when that destination is encrypted; the schema requires
    # both, and nothing asks for an encrypted destination when one is left out.
    log_bucket_encryption: Field
    log_group_encryption: Field
