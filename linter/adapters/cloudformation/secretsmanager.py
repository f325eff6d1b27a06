"""AWS::SecretsManager::Secret."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.secretsmanager import Secret
from linter.resolve.cloudformation import ResolvedResource


def build_secret(resource: ResolvedResource, context: TemplateContext) -> list[Secret]:
    return [Secret(**context.identity(resource),
                   kms_key=field_at(resource.properties, "KmsKeyId", resource.type,
                                    attribute="Properties.KmsKeyId"))]


BUILDERS = {"AWS::SecretsManager::Secret": build_secret}
