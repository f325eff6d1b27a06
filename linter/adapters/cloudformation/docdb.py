"""AWS::DocDB::DBCluster (with the TLS setting of its AWS::DocDB::DBClusterParameterGroup)."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.cloudformation.rds import _parameter_group as parameter_group
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.docdb import Cluster, tls_in_force
from linter.resolve.cloudformation import ResolvedResource


def build_cluster(resource: ResolvedResource, context: TemplateContext) -> list[Cluster]:
    properties = resource.properties
    name = "DBClusterParameterGroupName"
    argument = field_at(properties, name, resource.type, attribute=f"Properties.{name}")
    group = parameter_group(properties.get(name), "AWS::DocDB::DBClusterParameterGroup",
                            "Name", context)
    return [Cluster(**context.identity(resource),
                    storage_encrypted=as_bool(field_at(properties, "StorageEncrypted",
                                                       resource.type,
                                                       attribute="Properties.StorageEncrypted")),
                    kms_key=field_at(properties, "KmsKeyId", resource.type,
                                     attribute="Properties.KmsKeyId"),
                    tls=tls_in_force(group, argument))]


BUILDERS = {"AWS::DocDB::DBCluster": build_cluster}
