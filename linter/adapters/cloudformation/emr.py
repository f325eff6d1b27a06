"""AWS::EMR::SecurityConfiguration."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.models.aws.emr import SecurityConfiguration, encryption_fields
from linter.resolve.cloudformation import ResolvedResource


def build_security_configuration(resource: ResolvedResource,
                                 context: TemplateContext) -> list[SecurityConfiguration]:
    properties = resource.properties
    return [SecurityConfiguration(
        **context.identity(resource),
        **encryption_fields(properties.get("SecurityConfiguration"),
                            "Properties.SecurityConfiguration",
                            properties.line_of("SecurityConfiguration")))]


BUILDERS = {"AWS::EMR::SecurityConfiguration": build_security_configuration}
