"""AWS::ElastiCache::ReplicationGroup."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform.elasticache import at_rest_default_for_engine
from linter.models.aws.elasticache import ReplicationGroup
from linter.models.base import Field
from linter.resolve.cloudformation import ResolvedResource


def build_replication_group(resource: ResolvedResource,
                            context: TemplateContext) -> list[ReplicationGroup]:
    def read(name: str) -> Field:
        return field_at(resource.properties, name, resource.type, attribute=f"Properties.{name}")

    engine = read("Engine")
    return [ReplicationGroup(
        **context.identity(resource),
        engine=engine,
        at_rest_encryption=at_rest_default_for_engine(as_bool(read("AtRestEncryptionEnabled")),
                                                      engine),
        kms_key=read("KmsKeyId"),
        transit_encryption=as_bool(read("TransitEncryptionEnabled")),
        transit_encryption_mode=read("TransitEncryptionMode"))]


BUILDERS = {"AWS::ElastiCache::ReplicationGroup": build_replication_group}
