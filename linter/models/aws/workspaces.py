"""Amazon WorkSpaces virtual desktops."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Workspace(Resource):
    """A WorkSpace: whether its root and user volumes are encrypted, and with which key."""

    MODEL = "aws.workspaces.Workspace"

    # True when the root volume (C: drive, /) is encrypted; false or absent: plaintext.
    root_volume_encrypted: Field
    # True when the user volume (D: drive, /home) is encrypted; false or absent: plaintext.
    user_volume_encrypted: Field
    # The KMS key for encrypted volumes; absent: the AWS-managed alias/aws/workspaces key.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        return derived_switch(self.user_volume_encrypted, lambda value: value is True)
