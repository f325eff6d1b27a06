"""AWS::DAX::Cluster."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.dax import Cluster
from linter.resolve.cloudformation import ResolvedResource


def build_cluster(resource: ResolvedResource, context: TemplateContext) -> list[Cluster]:
    properties = resource.properties
    return [Cluster(**context.identity(resource),
                    server_side_encryption=as_bool(field_at(
                        properties, "SSESpecification.SSEEnabled", resource.type,
                        attribute="Properties.SSESpecification.SSEEnabled")),
                    endpoint_encryption=field_at(
                        properties, "ClusterEndpointEncryptionType", resource.type,
                        attribute="Properties.ClusterEndpointEncryptionType"))]


BUILDERS = {"AWS::DAX::Cluster": build_cluster}
