"""AWS::Redshift::Cluster (with require_ssl from its AWS::Redshift::ClusterParameterGroup)."""

from __future__ import annotations

from typing import Any

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, blocks, field_at
from linter.models.aws.rds import GroupChoice, ParameterGroup
from linter.models.aws.redshift import Cluster, require_ssl_in_force
from linter.resolve.cloudformation import ResolvedResource
from linter.values import Branches, ResourceRef, Unknown

_GROUP = "AWS::Redshift::ClusterParameterGroup"


def build_cluster(resource: ResolvedResource, context: TemplateContext) -> list[Cluster]:
    properties = resource.properties
    argument = field_at(properties, "ClusterParameterGroupName", resource.type,
                        attribute="Properties.ClusterParameterGroupName")
    return [Cluster(**context.identity(resource),
                    encrypted=as_bool(field_at(properties, "Encrypted", resource.type,
                                               attribute="Properties.Encrypted")),
                    kms_key=field_at(properties, "KmsKeyId", resource.type,
                                     attribute="Properties.KmsKeyId"),
                    require_ssl=require_ssl_in_force(
                        _parameter_group(properties.get("ClusterParameterGroupName"), context),
                        argument),
                    publicly_accessible=as_bool(field_at(
                        properties, "PubliclyAccessible", resource.type,
                        attribute="Properties.PubliclyAccessible")))]


def _parameter_group(value: Any, context: TemplateContext) -> GroupChoice:
    """The group a cluster names: in the template, a default group, or Unknown.

    Redshift groups list their parameters as {ParameterName, ParameterValue} items, unlike
    the RDS and DocumentDB name -> value maps.
    """
    if value is None or (isinstance(value, str) and value.startswith("default.")):
        return value
    if isinstance(value, Branches):
        return Unknown("the parameter group is chosen by a condition")
    if isinstance(value, Unknown):
        return value
    for candidate in context.of_type(_GROUP):
        if isinstance(value, ResourceRef) and value.name == candidate.logical_id:
            parameters = candidate.properties.get("Parameters")
            if isinstance(parameters, Unknown):
                return Unknown(f"the Parameters of {candidate.logical_id} are not known")
            found = {item.get("ParameterName"): (item.get("ParameterValue"),
                                                 item.line_of("ParameterValue"))
                     for item, _ in blocks(candidate.properties, "Parameters")
                     if isinstance(item.get("ParameterName"), str)}
            return ParameterGroup(candidate.logical_id, context.path,
                                  candidate.properties.get("ParameterGroupFamily"), found)
    return Unknown(f"parameter group {value} is not declared in the template")


BUILDERS = {"AWS::Redshift::Cluster": build_cluster}
