"""Amazon EFS file systems."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class FileSystem(Resource):
    """An EFS file system: whether it is encrypted at rest, and with which key."""

    MODEL = "aws.efs.FileSystem"

    # True when the file system is encrypted at rest; false or absent: plaintext (the
    # API default). Fixed at creation.
    encrypted: Field
    # The KMS key; absent: the AWS-managed alias/aws/elasticfilesystem key.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.encrypted, lambda value: value is True)
