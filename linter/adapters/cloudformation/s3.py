"""AWS::S3::Bucket with its AWS::S3::BucketPolicy."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at, value_field
from linter.adapters.policy_documents import normalise
from linter.models.aws.s3 import Bucket
from linter.models.base import Field, FieldState
from linter.resolve.cloudformation import ResolvedResource
from linter.values import Unknown

_BY_DEFAULT = ("BucketEncryption.ServerSideEncryptionConfiguration."
               "ServerSideEncryptionByDefault")


def build_bucket(resource: ResolvedResource, context: TemplateContext) -> list[Bucket]:
    properties = resource.properties
    algorithm = field_at(properties, f"{_BY_DEFAULT}.SSEAlgorithm", resource.type,
                         attribute=f"Properties.{_BY_DEFAULT}.SSEAlgorithm")
    if algorithm.state is FieldState.ABSENT:
        algorithm = Field(None, FieldState.ABSENT, "Properties.BucketEncryption")
    key = field_at(properties, f"{_BY_DEFAULT}.KMSMasterKeyID", resource.type,
                   attribute=f"Properties.{_BY_DEFAULT}.KMSMasterKeyID")
    return [Bucket(**context.identity(resource), encryption_algorithm=algorithm, kms_key=key,
                   policy=_policy(resource, context))]


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


BUILDERS = {"AWS::S3::Bucket": build_bucket}
