"""aws_elasticache_replication_group and aws_elasticache_cluster (engine-dependent at-rest
defaults, replicas judged through their group); serverless caches are a plain mapping
(tables/mappings/aws_core.yaml)."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at, lookup
from linter.adapters.terraform import TerraformContext
from linter.models.aws.elasticache import (
    CacheCluster,
    ReplicationGroup,
    stand_alone_at_rest,
)
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock


def build_replication_group(block: ResolvedBlock,
                            context: TerraformContext) -> list[ReplicationGroup]:
    config, source_type = block.config, block.type
    engine = field_at(config, "engine", source_type)
    return [ReplicationGroup(
        **context.identity(block),
        engine=engine,
        at_rest_encryption=at_rest_default_for_engine(
            as_bool(field_at(config, "at_rest_encryption_enabled", source_type)), engine),
        kms_key=field_at(config, "kms_key_id", source_type),
        transit_encryption=as_bool(field_at(config, "transit_encryption_enabled", source_type)),
        transit_encryption_mode=field_at(config, "transit_encryption_mode", source_type))]


def at_rest_default_for_engine(at_rest: Field, engine: Field) -> Field:
    """Valkey groups are encrypted at rest unless told otherwise; Redis OSS groups are not."""
    if at_rest.state is FieldState.DEFAULT and isinstance(engine.value, str) \
            and engine.value.lower() == "valkey":
        return Field.default(True, at_rest.attribute, "default for the valkey engine")
    return at_rest


def build_cache_cluster(block: ResolvedBlock, context: TerraformContext) -> list[CacheCluster]:
    config, source_type = block.config, block.type
    group, _, _ = lookup(config, "replication_group_id")
    if group is not None:
        # A replica added to a replication group: the group's settings are its own, and
        # the group is judged (whatever the id resolves to, the cluster is a member).
        return []
    engine = field_at(config, "engine", source_type)
    return [CacheCluster(
        **context.identity(block),
        engine=engine,
        at_rest_encryption=stand_alone_at_rest(engine),
        transit_encryption=as_bool(field_at(config, "transit_encryption_enabled", source_type)),
        # aws_elasticache_cluster has no transit_encryption_mode argument.
        transit_encryption_mode=Field.absent("transit_encryption_mode"))]


BUILDERS = {
    "aws_elasticache_replication_group": build_replication_group,
    "aws_elasticache_cluster": build_cache_cluster,
}
