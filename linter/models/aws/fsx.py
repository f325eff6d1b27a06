"""Amazon FSx file systems (Windows File Server, Lustre, NetApp ONTAP, OpenZFS)."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class FileSystem(Resource):
    """An FSx file system: the KMS key of its data and backups (always encrypted)."""

    MODEL = "aws.fsx.FileSystem"

    # The KMS key that encrypts the file system and its backups; absent: the AWS-managed
    # alias/aws/fsx key (FSx always encrypts at rest, so only the key is a choice).
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """FSx file systems are always encrypted at rest."""
        return Field.derived(True, self.kms_key.attribute)
