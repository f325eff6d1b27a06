"""AWS::CloudTrail::Trail."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.cloudtrail import Trail
from linter.resolve.cloudformation import ResolvedResource


def build_trail(resource: ResolvedResource, context: TemplateContext) -> list[Trail]:
    properties, kind = resource.properties, resource.type
    return [Trail(**context.identity(resource),
                  kms_key=field_at(properties, "KMSKeyId", kind,
                                   attribute="Properties.KMSKeyId"),
                  multi_region=as_bool(field_at(properties, "IsMultiRegionTrail", kind,
                                                attribute="Properties.IsMultiRegionTrail")),
                  log_file_validation=as_bool(
                      field_at(properties, "EnableLogFileValidation", kind,
                               attribute="Properties.EnableLogFileValidation")))]


BUILDERS = {"AWS::CloudTrail::Trail": build_trail}
