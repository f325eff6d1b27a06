"""AWS::CodeBuild::Project: a module rather than a mapping because Artifacts and the list
of SecondaryArtifacts make one list of elements."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, blocks, field_at
from linter.adapters.terraform.codebuild import upper
from linter.models.aws.codebuild import Artifact, Project
from linter.resolve.cloudformation import ResolvedResource
from linter.values import ConfigNode


def build_project(resource: ResolvedResource, context: TemplateContext) -> list[Project]:
    properties, kind = resource.properties, resource.type
    artifacts = []
    for name in ("Artifacts", "SecondaryArtifacts"):
        for index, (node, line) in enumerate(blocks(properties, name)):
            shown = f"Properties.{name}" if name == "Artifacts" else \
                f"Properties.{name}[{index}]"
            artifacts.append(_artifact(node, line, shown, kind))
    return [Project(
        **context.identity(resource),
        kms_key=field_at(properties, "EncryptionKey", kind, attribute="Properties.EncryptionKey"),
        artifacts=tuple(artifacts),
        s3_logs_status=upper(field_at(properties, "LogsConfig.S3Logs.Status", kind,
                                       attribute="Properties.LogsConfig.S3Logs.Status")),
        s3_logs_encryption_disabled=as_bool(field_at(
            properties, "LogsConfig.S3Logs.EncryptionDisabled", kind,
            attribute="Properties.LogsConfig.S3Logs.EncryptionDisabled")))]


def _artifact(node: ConfigNode, line: int, shown: str, kind: str) -> Artifact:
    return Artifact(
        label=shown.removeprefix("Properties."), line=line,
        type=upper(field_at(node, "Type", kind, attribute=f"{shown}.Type")),
        encryption_disabled=as_bool(field_at(node, "EncryptionDisabled", kind,
                                             attribute=f"{shown}.EncryptionDisabled")))


BUILDERS = {"AWS::CodeBuild::Project": build_project}
