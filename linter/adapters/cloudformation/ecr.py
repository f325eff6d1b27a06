"""AWS::ECR::Repository."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.ecr import Repository
from linter.resolve.cloudformation import ResolvedResource

_ENCRYPTION = "EncryptionConfiguration."


def build_repository(resource: ResolvedResource, context: TemplateContext) -> list[Repository]:
    properties = resource.properties
    return [Repository(**context.identity(resource),
                       encryption_type=field_at(properties, _ENCRYPTION + "EncryptionType",
                                                resource.type,
                                                attribute=f"Properties.{_ENCRYPTION}EncryptionType"),
                       kms_key=field_at(properties, _ENCRYPTION + "KmsKey", resource.type,
                                        attribute=f"Properties.{_ENCRYPTION}KmsKey"))]


BUILDERS = {"AWS::ECR::Repository": build_repository}
