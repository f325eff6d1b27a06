"""AWS::Transfer::Server."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.transfer import Server, transfer_logging
from linter.models.base import Field
from linter.resolve.cloudformation import ResolvedResource


def build_server(resource: ResolvedResource, context: TemplateContext) -> list[Server]:
    properties, source_type = resource.properties, resource.type

    def read(name: str) -> Field:
        return field_at(properties, name, source_type, attribute=f"Properties.{name}")

    return [Server(**context.identity(resource), protocols=read("Protocols"),
                   security_policy=read("SecurityPolicyName"),
                   logging=transfer_logging(read("LoggingRole"),
                                            read("StructuredLogDestinations")))]


BUILDERS = {"AWS::Transfer::Server": build_server}
