"""aws_s3_bucket with the resources that configure it since AWS provider v4."""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import as_bool, field_at, lookup, same_text
from linter.adapters.policy_documents import normalise
from linter.adapters.terraform import TerraformContext
from linter.models.aws.s3 import Bucket, all_true, versioning_with_object_lock
from linter.models.base import Field, FieldState, derived_switch
from linter.resolve.terraform import ResolvedBlock
from linter.tables import default_for
from linter.values import ConfigNode, ResourceRef, Unknown

_BY_DEFAULT = "rule.apply_server_side_encryption_by_default"
PUBLIC_ACCESS_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls",
                       "restrict_public_buckets")
_BUCKET_BLOCK = "aws_s3_bucket_public_access_block"
_ACCOUNT_BLOCK = "aws_s3_account_public_access_block"


def build_bucket(block: ResolvedBlock, context: TerraformContext) -> list[Bucket]:
    return [bucket_model(block, context)]


def bucket_model(block: ResolvedBlock, context: TerraformContext) -> Bucket:
    """The bucket with every resource of its module that configures it."""
    names = (block.config.get("bucket"),)
    algorithm, key = _encryption(block, context, names)
    return Bucket(**context.identity(block), encryption_algorithm=algorithm, kms_key=key,
                  policy=_policy(block, context, names),
                  **_public_access(block, context, names),
                  account_public_access_blocked=account_public_access(context),
                  versioning_status=_versioning(block, context, names),
                  access_logging=_logging(block, context, names),
                  is_log_target=_log_target(block, context, names))


def find_bucket(value: Any, context: TerraformContext) -> ResolvedBlock | None:
    """The aws_s3_bucket a reference or a bucket name denotes, if this module declares it."""
    for candidate in context.of_type("aws_s3_bucket"):
        if names_bucket(value, candidate, (candidate.config.get("bucket"),)):
            return candidate
    return None


def names_bucket(value: Any, bucket: ResolvedBlock, names: tuple[Any, ...]) -> bool:
    """`aws_s3_bucket.logs.id` (that instance) or the literal bucket name."""
    if isinstance(value, ResourceRef):
        if value.resource_type != bucket.type or value.name != bucket.name:
            return False
        # With count/for_each the reference carries the configuration of its instance.
        return bucket.key is None or not isinstance(value.arguments, ConfigNode) \
            or value.arguments is bucket.config
    return isinstance(value, str) and value in [name for name in names if name is not None]


def _encryption(block: ResolvedBlock, context: TerraformContext,
                names: tuple[Any, ...]) -> tuple[Field, Field]:
    configurations = context.referencing(
        "aws_s3_bucket_server_side_encryption_configuration", "bucket", block, names)
    if configurations:
        # The separate resource wins: the provider ignores the inline block when both exist.
        source = configurations[0]
        algorithm = field_at(source.config, f"{_BY_DEFAULT}.sse_algorithm", source.type)
        key = field_at(source.config, f"{_BY_DEFAULT}.kms_master_key_id", source.type)
        return _located(algorithm, source), _located(key, source)
    inline = f"server_side_encryption_configuration.{_BY_DEFAULT}"
    algorithm = field_at(block.config, f"{inline}.sse_algorithm", block.type)
    key = field_at(block.config, f"{inline}.kms_master_key_id", block.type)
    if algorithm.state is FieldState.ABSENT:
        algorithm = Field(None, FieldState.ABSENT, "server_side_encryption_configuration",
                          None, "no aws_s3_bucket_server_side_encryption_configuration for "
                                "this bucket in the scanned files")
    return algorithm, key


def _located(field: Field, source: ResolvedBlock) -> Field:
    """A field read from another resource names it, so the message says where to look;
    an omitted (defaulted) argument points at that resource's first line."""
    return Field(field.value, field.state, f"{source.address}: {field.attribute}",
                 field.line or source.line, field.reason, source.path)


def _policy(block: ResolvedBlock, context: TerraformContext, names: tuple[object, ...]) -> Field:
    policies = context.referencing("aws_s3_bucket_policy", "bucket", block, names)
    if policies:
        source = policies[0]
        value, attribute, line = (source.config.get("policy"), f"{source.address}: policy",
                                  source.config.line_of("policy"))
        path = source.path
    elif "policy" in block.config:
        value, attribute, line = (block.config.get("policy"), "policy",
                                  block.config.line_of("policy"))
        path = block.path
    else:
        return Field.absent("policy")
    document = normalise(value)
    if isinstance(document, Unknown):
        return Field(None, FieldState.UNKNOWN, attribute, line, document.reason, path)
    return Field(document, FieldState.SET, attribute, line, "", path)


def _public_access(block: ResolvedBlock, context: TerraformContext,
                   names: tuple[Any, ...]) -> dict[str, Field]:
    sources = context.referencing(_BUCKET_BLOCK, "bucket", block, names)
    if sources:
        source = sources[0]
        return {flag: _located(as_bool(field_at(source.config, flag, source.type)), source)
                for flag in PUBLIC_ACCESS_FLAGS}
    # No block declared: what S3 applies to a new bucket (tables/defaults/aws_s3.yaml).
    found, value, note = default_for(block.type, _BUCKET_BLOCK)
    field = (Field(value, FieldState.DEFAULT, _BUCKET_BLOCK, None, note) if found
             else Field.absent(_BUCKET_BLOCK))
    return dict.fromkeys(PUBLIC_ACCESS_FLAGS, field)


def account_public_access(context: TerraformContext) -> Field:
    """Whether an account-level block of this configuration turns on all four flags."""
    sources = context.of_type(_ACCOUNT_BLOCK)
    if not sources:
        return Field.absent(_ACCOUNT_BLOCK)
    source = sources[0]
    flags = [as_bool(field_at(source.config, flag, source.type)) for flag in PUBLIC_ACCESS_FLAGS]
    return all_true(flags, source.address)


def _versioning(block: ResolvedBlock, context: TerraformContext,
                names: tuple[Any, ...]) -> Field:
    sources = context.referencing("aws_s3_bucket_versioning", "bucket", block, names)
    if sources:
        source = sources[0]
        written = _located(field_at(source.config, "versioning_configuration.status",
                                    source.type), source)
    else:
        written = as_bool(field_at(block.config, "versioning.enabled", block.type))
        if written.state is FieldState.ABSENT:
            written = Field(None, FieldState.ABSENT, "versioning", None,
                            "no aws_s3_bucket_versioning for this bucket in the scanned files")
    return versioning_with_object_lock(written, _object_lock(block))


def _object_lock(block: ResolvedBlock) -> Field:
    """Whether the bucket is created with Object Lock: `object_lock_enabled` (provider
    v4+), else the legacy `object_lock_configuration { object_lock_enabled = "Enabled" }`."""
    enabled = as_bool(field_at(block.config, "object_lock_enabled", block.type))
    if enabled.state is not FieldState.ABSENT:
        return enabled
    legacy = field_at(block.config, "object_lock_configuration.object_lock_enabled", block.type)
    if legacy.state is FieldState.ABSENT:
        return legacy
    return derived_switch(legacy, lambda value: same_text(value, "Enabled"))


def _logging(block: ResolvedBlock, context: TerraformContext, names: tuple[Any, ...]) -> Field:
    sources = context.referencing("aws_s3_bucket_logging", "bucket", block, names)
    if sources:
        # Configured, whatever the target (its name may come from a variable).
        source = sources[0]
        return Field(True, FieldState.SET, f"{source.address}: target_bucket",
                     source.config.line_of("target_bucket") or source.line, "", source.path)
    if "logging" in block.config and block.config.get("logging") not in (None, []):
        return Field.derived(True, "logging", block.config.line_of("logging"))
    return Field(None, FieldState.ABSENT, "logging", None,
                 "no aws_s3_bucket_logging for this bucket in the scanned files")


def _log_target(block: ResolvedBlock, context: TerraformContext,
                names: tuple[Any, ...]) -> Field:
    """Whether another bucket delivers its access logs here. The logging bucket may be
    in another module instance of the same root (`module.log_bucket.s3_bucket_id` passed
    to a sibling call): the whole root evaluation is searched."""
    by_reference, by_name, unknowns = context.memo("s3_log_targets",
                                                    lambda: _log_targets(context))
    candidates = list(by_reference.get((block.type, block.name), ()))
    for name in names:
        if isinstance(name, str):
            candidates += by_name.get(name, ())
    for _, value, source in sorted(candidates, key=lambda item: item[0]):
        if source is not block and _delivers_to(value, source, block, names):
            return Field.derived(True, f"{source.address}: target_bucket")
    unknown = next((f"the access-log target of {source.address} is unknown ({value.reason})"
                    for _, value, source in unknowns if source is not block), None)
    if unknown:
        return Field(None, FieldState.UNKNOWN, "is_log_target", None, unknown)
    return Field.derived(False, "is_log_target")


def _log_targets(context: TerraformContext) -> tuple[dict[Any, list[Any]],
                                                     dict[str, list[Any]], list[Any]]:
    """Every access-log target written in the root evaluation (aws_s3_bucket_logging
    resources, then inline `logging` blocks), as (position, value, source), indexed by
    the bucket a reference names and by a literal bucket name; unknown ones apart."""
    targets = [(source.config.get("target_bucket"), source)
               for source in context.in_root("aws_s3_bucket_logging")]
    targets += [(lookup(other.config, "logging.target_bucket")[0], other)
                for other in context.in_root("aws_s3_bucket")]
    by_reference: dict[Any, list[Any]] = {}
    by_name: dict[str, list[Any]] = {}
    unknowns = []
    for position, (value, source) in enumerate(targets):
        if isinstance(value, ResourceRef):
            by_reference.setdefault((value.resource_type, value.name), []).append(
                (position, value, source))
        elif isinstance(value, str):
            by_name.setdefault(value, []).append((position, value, source))
        elif isinstance(value, Unknown):
            unknowns.append((position, value, source))
    return by_reference, by_name, unknowns


def _delivers_to(value: Any, source: ResolvedBlock, bucket: ResolvedBlock,
                 names: tuple[Any, ...]) -> bool:
    """Does `value`, a target_bucket written in `source`, name `bucket`?

    In the bucket's own module instance a reference matches by address. From another
    instance, names are the other module's own, so only the bucket's resolved identity
    counts: a reference that carries this very instance's configuration (what
    `module.logs.s3_bucket_id` reads back as), or the literal bucket name.
    """
    if source.module_address == bucket.module_address and source.module_dir == bucket.module_dir:
        return names_bucket(value, bucket, names)
    if isinstance(value, ResourceRef):
        return value.resource_type == bucket.type and value.arguments is bucket.config
    return names_bucket(value, bucket, names)


BUILDERS = {"aws_s3_bucket": build_bucket}
