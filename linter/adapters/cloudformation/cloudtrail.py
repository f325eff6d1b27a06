"""AWS::CloudTrail::Trail, and the KMS keys of the template's ePHI stores."""

from __future__ import annotations

from typing import Any

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.cloudformation.s3 import bucket_model, find_bucket
from linter.adapters.fields import as_bool, field_at, lookup
from linter.models.aws.cloudtrail import Trail, log_bucket_fields
from linter.models.base import Field
from linter.resolve.cloudformation import ResolvedResource
from linter.tables import load_table
from linter.values import Unknown


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
                  store_keys=Field.derived(keys, "Properties.KMSKeyId"),
                  **_log_bucket(resource, context))]


def _log_bucket(resource: ResolvedResource, context: TemplateContext) -> dict[str, Field]:
    """The bucket named by S3BucketName (Ref or bucket name) in this template."""
    value = resource.properties.get("S3BucketName")
    line = resource.properties.line_of("S3BucketName")
    shown = "Properties.S3BucketName"
    if isinstance(value, Unknown):
        return log_bucket_fields(value, shown, line)
    bucket = find_bucket(value, context)
    if bucket is None:
        return log_bucket_fields(f"bucket {value} is not declared in the scanned files",
                                 shown, line)
    return log_bucket_fields(bucket_model(bucket, context), shown, line)


def store_key(store: ResolvedResource) -> Any:
    """The KMS key value an ePHI store names (a ResourceRef, ARN, Unknown), or None."""
    spec = load_table("key_arguments")["cloudformation"].get(store.type)
    if spec is None:
        return None
    value, _, found = lookup(store.properties, spec["path"])
    return value if found else None


BUILDERS = {"AWS::CloudTrail::Trail": build_trail}
