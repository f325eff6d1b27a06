"""AWS::KMS::Key."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at, value_field
from linter.adapters.policy_documents import normalise
from linter.models.aws.kms import Key
from linter.models.base import Field, FieldState
from linter.resolve.cloudformation import ResolvedResource
from linter.values import Unknown


def build_key(resource: ResolvedResource, context: TemplateContext) -> list[Key]:
    properties = resource.properties
    return [Key(**context.identity(resource),
                rotation_enabled=as_bool(field_at(properties, "EnableKeyRotation", resource.type,
                                                  attribute="Properties.EnableKeyRotation")),
                key_spec=field_at(properties, "KeySpec", resource.type,
                                  attribute="Properties.KeySpec"),
                policy=_policy(resource))]


def _policy(resource: ResolvedResource) -> Field:
    properties = resource.properties
    if "KeyPolicy" not in properties:
        return Field.default({"Statement": []}, "Properties.KeyPolicy", "AWS default key policy")
    line = properties.line_of("KeyPolicy")
    document = normalise(properties.get("KeyPolicy"))
    if isinstance(document, Unknown):
        return value_field(document, "Properties.KeyPolicy", line)
    return Field(document, FieldState.SET, "Properties.KeyPolicy", line)


BUILDERS = {"AWS::KMS::Key": build_key}
