"""AWS::Neptune::DBCluster."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.neptune import Cluster
from linter.resolve.cloudformation import ResolvedResource


def build_cluster(resource: ResolvedResource, context: TemplateContext) -> list[Cluster]:
    properties = resource.properties
    return [Cluster(**context.identity(resource),
                    storage_encrypted=as_bool(field_at(properties, "StorageEncrypted",
                                                       resource.type,
                                                       attribute="Properties.StorageEncrypted")),
                    kms_key=field_at(properties, "KmsKeyId", resource.type,
                                     attribute="Properties.KmsKeyId"))]


BUILDERS = {"AWS::Neptune::DBCluster": build_cluster}
