"""AWS::Backup::BackupVault."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.backup import Vault
from linter.resolve.cloudformation import ResolvedResource


def build_vault(resource: ResolvedResource, context: TemplateContext) -> list[Vault]:
    return [Vault(**context.identity(resource),
                  kms_key=field_at(resource.properties, "EncryptionKeyArn", resource.type,
                                   attribute="Properties.EncryptionKeyArn"))]


BUILDERS = {"AWS::Backup::BackupVault": build_vault}
