"""AWS::Transfer::Server."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.transfer import Server
from linter.resolve.cloudformation import ResolvedResource


def build_server(resource: ResolvedResource, context: TemplateContext) -> list[Server]:
    properties, source_type = resource.properties, resource.type
    return [Server(**context.identity(resource),
                   protocols=field_at(properties, "Protocols", source_type,
                                      attribute="Properties.Protocols"),
                   security_policy=field_at(properties, "SecurityPolicyName", source_type,
                                            attribute="Properties.SecurityPolicyName"))]


BUILDERS = {"AWS::Transfer::Server": build_server}
