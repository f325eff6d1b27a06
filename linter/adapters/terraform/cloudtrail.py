"""aws_cloudtrail, and the KMS keys of the module's ePHI stores (for key separation)."""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import as_bool, field_at, lookup
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform.s3 import bucket_model, find_bucket
from linter.models.aws.cloudtrail import Trail, log_bucket_fields
from linter.models.base import Field
from linter.resolve.terraform import ResolvedBlock
from linter.tables import load_table
from linter.values import Unknown


def build_trail(block: ResolvedBlock, context: TerraformContext) -> list[Trail]:
    config, kind = block.config, block.type
    stores = [store for source_type in load_table("key_arguments")["terraform"]
              for store in context.of_type(source_type)]
    keys = [[store.address, key, str(key)] for store in stores
            if (key := store_key(store, context)) is not None]
    return [Trail(**context.identity(block),
                  kms_key=field_at(config, "kms_key_id", kind),
                  multi_region=as_bool(field_at(config, "is_multi_region_trail", kind)),
                  log_file_validation=as_bool(
                      field_at(config, "enable_log_file_validation", kind)),
                  store_keys=Field.derived(keys, "kms_key_id"),
                  **_log_bucket(block, context))]


def _log_bucket(block: ResolvedBlock, context: TerraformContext) -> dict[str, Field]:
    """The bucket named by s3_bucket_name (a reference or a bucket name) in this module."""
    value = block.config.get("s3_bucket_name")
    line = block.config.line_of("s3_bucket_name")
    if isinstance(value, Unknown):
        return log_bucket_fields(value, "s3_bucket_name", line)
    bucket = find_bucket(value, context)
    if bucket is None:
        return log_bucket_fields(f"bucket {value} is not declared in the scanned files",
                                 "s3_bucket_name", line)
    return log_bucket_fields(bucket_model(bucket, context), "s3_bucket_name", line)


def store_key(store: ResolvedBlock, context: TerraformContext) -> Any:
    """The KMS key value an ePHI store names (a ResourceRef, ARN, Unknown), or None."""
    spec = load_table("key_arguments")["terraform"].get(store.type)
    if spec is None:
        return None
    value, _, found = lookup(store.config, spec["path"])
    if found and value is not None:
        return value
    via = spec.get("via")
    if via:
        names = (store.config.get(via["name"]),)
        for other in context.referencing(via["type"], via["argument"], store, names):
            value, _, found = lookup(other.config, via["path"])
            if found and value is not None:
                return value
    return None


BUILDERS = {"aws_cloudtrail": build_trail}
