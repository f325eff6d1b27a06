"""AWS::EKS::Cluster (EncryptionConfig is a list holding at most one entry)."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.eks import Cluster
from linter.resolve.cloudformation import ResolvedResource


def build_cluster(resource: ResolvedResource, context: TemplateContext) -> list[Cluster]:
    properties, source_type = resource.properties, resource.type
    return [Cluster(**context.identity(resource),
                    encrypted_resources=field_at(
                        properties, "EncryptionConfig.Resources", source_type,
                        attribute="Properties.EncryptionConfig[0].Resources"),
                    kms_key=field_at(properties, "EncryptionConfig.Provider.KeyArn", source_type,
                                     attribute="Properties.EncryptionConfig[0].Provider.KeyArn"))]


BUILDERS = {"AWS::EKS::Cluster": build_cluster}
