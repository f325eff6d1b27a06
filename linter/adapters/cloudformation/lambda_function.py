"""AWS::Lambda::Function."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.lambda_function import Function, environment_declared
from linter.resolve.cloudformation import ResolvedResource


def build_function(resource: ResolvedResource, context: TemplateContext) -> list[Function]:
    properties = resource.properties
    shown = "Properties.Environment.Variables"
    return [Function(**context.identity(resource),
                     has_environment=environment_declared(
                         field_at(properties, "Environment.Variables", resource.type,
                                  attribute=shown), shown),
                     kms_key=field_at(properties, "KmsKeyArn", resource.type,
                                      attribute="Properties.KmsKeyArn"))]


BUILDERS = {"AWS::Lambda::Function": build_function}
