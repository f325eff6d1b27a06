"""Amazon ECS: clusters' ECS Exec settings, and task definitions' EFS volumes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, Resource


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    """An ECS cluster: the key of its ECS Exec sessions, and where and how they are logged."""

    MODEL = "aws.ecs.Cluster"

    # Whether execute_command_configuration (ExecuteCommandConfiguration) is written: the
    # cluster is set up for ECS Exec shells into running containers.
    exec_configured: Field
    # The KMS key that encrypts ECS Exec session data between the client and the
    # container; absent: only the TLS channel of the SSM agent protects it.
    exec_kms_key: Field
    # Where ECS Exec logs commands: NONE, DEFAULT (the task's awslogs settings, the
    # API's default) or OVERRIDE (log_configuration below).
    exec_logging: Field
    # OVERRIDE destinations: the CloudWatch log group / S3 bucket named (absent: none),
    # and whether ECS Exec requires it to be encrypted (both default false: "If not
    # specified, encryption will be off").
    exec_log_group: Field
    exec_log_group_encryption: Field
    exec_log_bucket: Field
    exec_log_bucket_encryption: Field


@dataclass(frozen=True, kw_only=True)
class TaskVolume(Element):
    """One volume of a task definition."""

    # Whether the volume is an Amazon EFS file system (efs_volume_configuration).
    efs: Field
    # ENABLED or DISABLED (the default): TLS between the ECS host and the EFS mount target.
    transit_encryption: Field


@dataclass(frozen=True, kw_only=True)
class TaskDefinition(Resource):
    """An ECS task definition: whether its EFS volumes are mounted with TLS."""

    MODEL = "aws.ecs.TaskDefinition"
    ELEMENTS: ClassVar[dict[str, type]] = {"volumes": TaskVolume}

    # Every volume the tasks mount; the rules judge the EFS ones.
    volumes: tuple[TaskVolume, ...]
