"""AWS CodeBuild projects (their build output, artifacts and S3 logs) and report groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, Resource


@dataclass(frozen=True, kw_only=True)
class Artifact(Element):
    """The primary artifact or one secondary artifact of a project."""

    # CODEPIPELINE, NO_ARTIFACTS or S3 (only S3 artifacts are written to a bucket by
    # CodeBuild itself); upper-cased.
    type: Field
    # True when CodeBuild writes the artifact to S3 without encrypting it; false or
    # absent: encrypted with the project's key (the API default).
    encryption_disabled: Field


@dataclass(frozen=True, kw_only=True)
class Project(Resource):
    """A CodeBuild project: the key of its build output, and whether its artifacts and S3 logs
    are encrypted."""

    MODEL = "aws.codebuild.Project"
    ELEMENTS: ClassVar[dict[str, type]] = {"artifacts": Artifact}

    # The KMS key that encrypts build output (artifacts, S3 logs, cache); absent: the
    # AWS-managed alias/aws/s3 key (CodeBuild user guide, "Encrypt build outputs").
    kms_key: Field
    # The primary artifact followed by every secondary artifact.
    artifacts: tuple[Artifact, ...]
    # ENABLED when build logs are also written to S3; absent or DISABLED: not written.
    s3_logs_status: Field
    # True when those S3 logs are written unencrypted; false or absent: encrypted.
    s3_logs_encryption_disabled: Field


@dataclass(frozen=True, kw_only=True)
class ReportGroup(Resource):
    """A CodeBuild report group: whether test reports exported to S3 are encrypted."""

    MODEL = "aws.codebuild.ReportGroup"

    # S3 when raw test reports (which may quote test data) are exported to a bucket;
    # NO_EXPORT keeps them only in CodeBuild.
    export_type: Field
    # True when the exported reports are written unencrypted; false or absent: encrypted.
    encryption_disabled: Field
