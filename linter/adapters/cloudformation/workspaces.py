"""AWS::WorkSpaces::Workspace."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.workspaces import Workspace
from linter.models.base import Field
from linter.resolve.cloudformation import ResolvedResource


def build_workspace(resource: ResolvedResource, context: TemplateContext) -> list[Workspace]:
    def read(name: str) -> Field:
        return field_at(resource.properties, name, resource.type, attribute=f"Properties.{name}")

    return [Workspace(**context.identity(resource),
                      root_volume_encrypted=as_bool(read("RootVolumeEncryptionEnabled")),
                      user_volume_encrypted=as_bool(read("UserVolumeEncryptionEnabled")),
                      kms_key=read("VolumeEncryptionKey"))]


BUILDERS = {"AWS::WorkSpaces::Workspace": build_workspace}
