"""AWS::Athena::WorkGroup."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.athena import WorkGroup
from linter.models.base import Field
from linter.resolve.cloudformation import ResolvedResource

_RESULT = "WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration."


def build_workgroup(resource: ResolvedResource, context: TemplateContext) -> list[WorkGroup]:
    def read(path: str) -> Field:
        return field_at(resource.properties, path, resource.type,
                        attribute=f"Properties.{path}")

    return [WorkGroup(**context.identity(resource),
                      result_encryption=read(_RESULT + "EncryptionOption"),
                      enforce_configuration=as_bool(
                          read("WorkGroupConfiguration.EnforceWorkGroupConfiguration")),
                      kms_key=read(_RESULT + "KmsKey"))]


BUILDERS = {"AWS::Athena::WorkGroup": build_workgroup}
