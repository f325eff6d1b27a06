"""AWS::CloudTrail::Trail, and the KMS keys of the template's ePHI stores."""

from __future__ import annotations

from typing import Any

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at, lookup
from linter.models.aws.cloudtrail import Trail
from linter.models.base import Field
from linter.resolve.cloudformation import ResolvedResource
from linter.tables import load_table


def build_trail(resource: ResolvedResource, context: TemplateContext) -> list[Trail]:
    properties, kind = resource.properties, resource.type
    stores = [store for source_type in load_table("key_arguments")["cloudformation"]
              for store in context.of_type(source_type)]
    keys = [[store.logical_id, key, str(key)] for store in stores
            if (key := store_key(store)) is not None]
    return [Trail(**context.identity(resource),
                  kms_key=field_at(properties, "KMSKeyId", kind,
                                   attribute="Properties.KMSKeyId"),
                  multi_region=as_bool(field_at(properties, "IsMultiRegionTrail", kind,
                                                attribute="Properties.IsMultiRegionTrail")),
                  log_file_validation=as_bool(
                      field_at(properties, "EnableLogFileValidation", kind,
                               attribute="Properties.EnableLogFileValidation")),
                  store_keys=Field.derived(keys, "Properties.KMSKeyId"))]


def store_key(store: ResolvedResource) -> Any:
    """The KMS key value an ePHI store names (a ResourceRef, ARN, Unknown), or None."""
    spec = load_table("key_arguments")["cloudformation"].get(store.type)
    if spec is None:
        return None
    value, _, found = lookup(store.properties, spec["path"])
    return value if found else None


BUILDERS = {"AWS::CloudTrail::Trail": build_trail}
