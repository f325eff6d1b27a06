"""AWS::MSK::Cluster."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.msk import Cluster
from linter.models.base import Field
from linter.resolve.cloudformation import ResolvedResource


def build_cluster(resource: ResolvedResource, context: TemplateContext) -> list[Cluster]:
    def read(path: str) -> Field:
        return field_at(resource.properties, path, resource.type, attribute=f"Properties.{path}")

    return [Cluster(**context.identity(resource),
                    client_broker_encryption=read("EncryptionInfo.EncryptionInTransit.ClientBroker"),
                    in_cluster_encryption=as_bool(
                        read("EncryptionInfo.EncryptionInTransit.InCluster")),
                    kms_key=read("EncryptionInfo.EncryptionAtRest.DataVolumeKMSKeyId"))]


BUILDERS = {"AWS::MSK::Cluster": build_cluster}
