"""AWS::DMS::Endpoint."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.dms import Endpoint, ssl_configurable
from linter.resolve.cloudformation import ResolvedResource


def build_endpoint(resource: ResolvedResource, context: TemplateContext) -> list[Endpoint]:
    properties = resource.properties
    engine = field_at(properties, "EngineName", resource.type, attribute="Properties.EngineName")
    return [Endpoint(**context.identity(resource), engine_name=engine,
                     ssl_configurable=ssl_configurable(engine),
                     ssl_mode=field_at(properties, "SslMode", resource.type,
                                       attribute="Properties.SslMode"))]


BUILDERS = {"AWS::DMS::Endpoint": build_endpoint}
