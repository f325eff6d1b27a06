"""AWS Backup vaults."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.aws.cloudtrail import separation_field
from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Vault(Resource):
    """A Backup vault: the key of its recovery points, and whether it differs from the data's."""

    MODEL = "aws.backup.Vault"

    # The KMS key that encrypts recovery points (a ResourceRef, key ARN or alias); absent
    # means AWS Backup uses its AWS-managed aws/backup key.
    kms_key: Field
    # The resources that backup selections of the scan send to this vault (through a
    # backup plan rule), as [[address, key of the resource, shown key], ...]; a key that is
    # an Unknown says why that entry cannot be judged (a tag-based selection, an ARN
    # declared elsewhere). UNKNOWN when no backup plan of the scan targets the vault.
    protected_resource_keys: Field

    @property
    def key_separation(self) -> Field:
        """The vault key against the keys of the data it backs up (KEY-005)."""
        return separation_field(self.kms_key, self.protected_resource_keys, "backup vault")
