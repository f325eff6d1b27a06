"""AWS::S3::Bucket with its AWS::S3::BucketPolicy."""

from __future__ import annotations

from typing import Any

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at, lookup, same_text, value_field
from linter.adapters.policy_documents import normalise
from linter.models.aws.s3 import Bucket, versioning_with_object_lock
from linter.models.base import Field, FieldState, derived_switch
from linter.resolve.cloudformation import ResolvedResource
from linter.tables import default_for
from linter.values import ResourceRef, Unknown

_BY_DEFAULT = ("BucketEncryption.ServerSideEncryptionConfiguration."
               "ServerSideEncryptionByDefault")
_BLOCK = "PublicAccessBlockConfiguration"
PUBLIC_ACCESS_FLAGS = {"block_public_acls": "BlockPublicAcls",
                       "block_public_policy": "BlockPublicPolicy",
                       "ignore_public_acls": "IgnorePublicAcls",
                       "restrict_public_buckets": "RestrictPublicBuckets"}


def build_bucket(resource: ResolvedResource, context: TemplateContext) -> list[Bucket]:
    return [bucket_model(resource, context)]


def bucket_model(resource: ResolvedResource, context: TemplateContext) -> Bucket:
    properties = resource.properties
    algorithm = field_at(properties, f"{_BY_DEFAULT}.SSEAlgorithm", resource.type,
                         attribute=f"Properties.{_BY_DEFAULT}.SSEAlgorithm")
    if algorithm.state is FieldState.ABSENT:
        algorithm = Field(None, FieldState.ABSENT, "Properties.BucketEncryption")
    key = field_at(properties, f"{_BY_DEFAULT}.KMSMasterKeyID", resource.type,
                   attribute=f"Properties.{_BY_DEFAULT}.KMSMasterKeyID")
    versioning = field_at(properties, "VersioningConfiguration.Status", resource.type,
                          attribute="Properties.VersioningConfiguration.Status")
    if versioning.state is FieldState.ABSENT:
        versioning = Field.absent("Properties.VersioningConfiguration")
    versioning = versioning_with_object_lock(versioning, _object_lock(resource))
    return Bucket(**context.identity(resource), encryption_algorithm=algorithm, kms_key=key,
                  policy=_policy(resource, context), **_public_access(resource),
                  # CloudFormation has no account-level public access block resource.
                  account_public_access_blocked=Field.absent("account public access block"),
                  versioning_status=versioning, access_logging=_logging(resource),
                  is_log_target=_log_target(resource, context))


def _object_lock(resource: ResolvedResource) -> Field:
    """Whether the bucket is created with Object Lock: ObjectLockEnabled, else its
    ObjectLockConfiguration's ObjectLockEnabled ("Enabled")."""
    properties = resource.properties
    enabled = as_bool(field_at(properties, "ObjectLockEnabled", resource.type,
                               attribute="Properties.ObjectLockEnabled"))
    if enabled.state is not FieldState.ABSENT:
        return enabled
    path = "ObjectLockConfiguration.ObjectLockEnabled"
    configured = field_at(properties, path, resource.type, attribute=f"Properties.{path}")
    if configured.state is FieldState.ABSENT:
        return configured
    return derived_switch(configured, lambda value: same_text(value, "Enabled"))


def find_bucket(value: Any, context: TemplateContext) -> ResolvedResource | None:
    """The AWS::S3::Bucket a Ref/GetAtt or a bucket name denotes, if the template has it."""
    for candidate in context.of_type("AWS::S3::Bucket"):
        if names_bucket(value, candidate):
            return candidate
    return None


def names_bucket(value: Any, bucket: ResolvedResource) -> bool:
    if isinstance(value, ResourceRef):
        return value.name == bucket.logical_id
    name = bucket.properties.get("BucketName")
    return isinstance(value, str) and isinstance(name, str) and value == name


def _policy(resource: ResolvedResource, context: TemplateContext) -> Field:
    names = (resource.properties.get("BucketName"),)
    policies = context.referencing("AWS::S3::BucketPolicy", "Bucket", resource, names)
    if not policies:
        return Field.absent("AWS::S3::BucketPolicy")
    source = policies[0]
    value = source.properties.get("PolicyDocument")
    attribute = f"{source.logical_id}: Properties.PolicyDocument"
    line = source.properties.line_of("PolicyDocument")
    document = normalise(value)
    if isinstance(document, Unknown):
        return value_field(document, attribute, line)
    return Field(document, FieldState.SET, attribute, line)


def _public_access(resource: ResolvedResource) -> dict[str, Field]:
    properties = resource.properties
    if _BLOCK in properties and properties.get(_BLOCK) is not None:
        # An omitted flag of a written configuration is false (tables/defaults/aws_s3.yaml);
        # it points at the configuration's own line.
        line = properties.line_of(_BLOCK)
        fields = {}
        for name, shown in PUBLIC_ACCESS_FLAGS.items():
            field = as_bool(field_at(properties, f"{_BLOCK}.{shown}", resource.type,
                                     attribute=f"Properties.{_BLOCK}.{shown}"))
            fields[name] = Field(field.value, field.state, field.attribute,
                                 field.line or line, field.reason)
        return fields
    # None declared: what S3 applies to a new bucket.
    found, value, note = default_for(resource.type, _BLOCK)
    field = (Field(value, FieldState.DEFAULT, f"Properties.{_BLOCK}", None, note) if found
             else Field.absent(f"Properties.{_BLOCK}"))
    return dict.fromkeys(PUBLIC_ACCESS_FLAGS, field)


def _logging(resource: ResolvedResource) -> Field:
    properties = resource.properties
    if properties.get("LoggingConfiguration") is None:
        return Field.absent("Properties.LoggingConfiguration")
    # Configured: without DestinationBucketName the logs go to the bucket itself.
    return Field.derived(True, "Properties.LoggingConfiguration",
                         properties.line_of("LoggingConfiguration"))


def _log_target(resource: ResolvedResource, context: TemplateContext) -> Field:
    unknown = None
    for other in context.of_type("AWS::S3::Bucket"):
        if other is resource:
            continue
        value, _, found = lookup(other.properties, "LoggingConfiguration.DestinationBucketName")
        if not found:
            continue
        if names_bucket(value, resource):
            return Field.derived(True, f"{other.logical_id}: DestinationBucketName")
        if isinstance(value, Unknown) and unknown is None:
            unknown = f"the access-log target of {other.logical_id} is unknown ({value.reason})"
    if unknown:
        return Field(None, FieldState.UNKNOWN, "is_log_target", None, unknown)
    return Field.derived(False, "is_log_target")


BUILDERS = {"AWS::S3::Bucket": build_bucket}
