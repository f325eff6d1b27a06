"""aws_s3_bucket with the resources that configure it since AWS provider v4."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.policy_documents import normalise
from linter.adapters.terraform import TerraformContext
from linter.models.aws.s3 import Bucket
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.values import Unknown

_BY_DEFAULT = "rule.apply_server_side_encryption_by_default"


def build_bucket(block: ResolvedBlock, context: TerraformContext) -> list[Bucket]:
    names = (block.config.get("bucket"),)
    configurations = context.referencing(
        "aws_s3_bucket_server_side_encryption_configuration", "bucket", block, names)
    if configurations:
        # The separate resource wins: the provider ignores the inline block when both exist.
        source = configurations[0]
        algorithm = field_at(source.config, f"{_BY_DEFAULT}.sse_algorithm", source.type)
        key = field_at(source.config, f"{_BY_DEFAULT}.kms_master_key_id", source.type)
        algorithm, key = _located(algorithm, source), _located(key, source)
    else:
        inline = f"server_side_encryption_configuration.{_BY_DEFAULT}"
        algorithm = field_at(block.config, f"{inline}.sse_algorithm", block.type)
        key = field_at(block.config, f"{inline}.kms_master_key_id", block.type)
        if algorithm.state is FieldState.ABSENT:
            algorithm = Field(None, FieldState.ABSENT, "server_side_encryption_configuration",
                              None, "no aws_s3_bucket_server_side_encryption_configuration for "
                                    "this bucket in the scanned files")
    return [Bucket(**context.identity(block), encryption_algorithm=algorithm, kms_key=key,
                   policy=_policy(block, context, names))]


def _located(field: Field, source: ResolvedBlock) -> Field:
    """A field read from another resource names it, so the message says where to look."""
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


BUILDERS = {"aws_s3_bucket": build_bucket}
