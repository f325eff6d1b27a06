"""AWS::ElastiCache::ReplicationGroup and ::CacheCluster (engine-dependent at-rest defaults);
::ServerlessCache is a plain mapping (tables/mappings/aws_core.yaml)."""

from __future__ import annotations

from collections.abc import Callable

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform.elasticache import at_rest_default_for_engine
from linter.models.aws.elasticache import (
    CacheCluster,
    ReplicationGroup,
    stand_alone_at_rest,
)
from linter.models.base import Field
from linter.resolve.cloudformation import ResolvedResource


def _reader(resource: ResolvedResource) -> Callable[[str], Field]:
    def read(name: str) -> Field:
        return field_at(resource.properties, name, resource.type, attribute=f"Properties.{name}")
    return read


def build_replication_group(resource: ResolvedResource,
                            context: TemplateContext) -> list[ReplicationGroup]:
    read = _reader(resource)
    engine = read("Engine")
    return [ReplicationGroup(
        **context.identity(resource),
        engine=engine,
        at_rest_encryption=at_rest_default_for_engine(as_bool(read("AtRestEncryptionEnabled")),
                                                      engine),
        kms_key=read("KmsKeyId"),
        transit_encryption=as_bool(read("TransitEncryptionEnabled")),
        transit_encryption_mode=read("TransitEncryptionMode"))]


def build_cache_cluster(resource: ResolvedResource,
                        context: TemplateContext) -> list[CacheCluster]:
    # AWS::ElastiCache::CacheCluster cannot join a replication group: always stand-alone.
    read = _reader(resource)
    engine = read("Engine")
    return [CacheCluster(
        **context.identity(resource),
        engine=engine,
        at_rest_encryption=stand_alone_at_rest(engine),
        transit_encryption=as_bool(read("TransitEncryptionEnabled")),
        transit_encryption_mode=Field.absent("Properties.TransitEncryptionMode"))]


BUILDERS = {
    "AWS::ElastiCache::ReplicationGroup": build_replication_group,
    "AWS::ElastiCache::CacheCluster": build_cache_cluster,
}
