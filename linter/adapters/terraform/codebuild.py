"""aws_codebuild_project: a module rather than a mapping because the primary artifact and
the repeated secondary artifacts make one list of elements."""

from __future__ import annotations

from linter.adapters.fields import as_bool, blocks, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.codebuild import Artifact, Project
from linter.models.base import Field
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode


def build_project(block: ResolvedBlock, context: TerraformContext) -> list[Project]:
    config = block.config
    artifacts = [_artifact(node, line, name, block.type)
                 for name in ("artifacts", "secondary_artifacts")
                 for node, line in blocks(config, name)]
    return [Project(
        **context.identity(block),
        kms_key=field_at(config, "encryption_key", block.type),
        artifacts=tuple(artifacts),
        s3_logs_status=upper(field_at(config, "logs_config.s3_logs.status", block.type)),
        s3_logs_encryption_disabled=as_bool(field_at(
            config, "logs_config.s3_logs.encryption_disabled", block.type)))]


def _artifact(node: ConfigNode, line: int, name: str, source_type: str) -> Artifact:
    identifier = node.get("artifact_identifier")
    label = name if name == "artifacts" else \
        f"{name} ({identifier if isinstance(identifier, str) else 'unnamed'})"
    return Artifact(
        label=label, line=line,
        type=upper(field_at(node, "type", source_type, attribute=f"{name}.type")),
        encryption_disabled=as_bool(field_at(node, "encryption_disabled", source_type,
                                             attribute=f"{name}.encryption_disabled")))


def upper(field: Field) -> Field:
    """CodeBuild reads artifact types and log statuses without case."""
    if isinstance(field.value, str):
        return Field(field.value.upper(), field.state, field.attribute, field.line,
                     field.reason, field.path)
    return field


BUILDERS = {"aws_codebuild_project": build_project}
