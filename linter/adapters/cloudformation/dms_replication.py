"""AWS::DMS::ReplicationInstance."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.dms_replication import ReplicationInstance
from linter.resolve.cloudformation import ResolvedResource


def build_replication_instance(resource: ResolvedResource,
                               context: TemplateContext) -> list[ReplicationInstance]:
    return [ReplicationInstance(**context.identity(resource), publicly_accessible=as_bool(
        field_at(resource.properties, "PubliclyAccessible", resource.type,
                 attribute="Properties.PubliclyAccessible")))]


BUILDERS = {"AWS::DMS::ReplicationInstance": build_replication_instance}
