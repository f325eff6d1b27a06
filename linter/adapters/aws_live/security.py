"""KMS keys, CloudTrail trails, CloudWatch log groups, SQS, SNS, Kinesis, Backup vaults."""

from __future__ import annotations

from linter.adapters.aws_live import (
    BuildContext,
    api_field,
    as_bool,
    complete,
    key_field,
    policy_field,
)
from linter.live.collectors import Record
from linter.models.aws.backup import Vault
from linter.models.aws.cloudtrail import Trail
from linter.models.aws.kinesis import Stream
from linter.models.aws.kms import Key
from linter.models.aws.logs import LogGroup
from linter.models.aws.sns import Topic
from linter.models.aws.sqs import Queue


def build_key(record: Record, context: BuildContext) -> list[Key]:
    return [complete(
        Key, record, context, "AWS::KMS::Key",
        rotation_enabled=api_field(record, "GetKeyRotationStatus", "KeyRotationEnabled"),
        key_spec=api_field(record, "DescribeKey", "KeySpec"),
        policy=policy_field(api_field(record, "GetKeyPolicy", "Policy")))]


def build_trail(record: Record, context: BuildContext) -> list[Trail]:
    operation = "DescribeTrails"
    return [complete(
        Trail, record, context, "AWS::CloudTrail::Trail",
        kms_key=api_field(record, operation, "KmsKeyId"),
        multi_region=api_field(record, operation, "IsMultiRegionTrail"),
        log_file_validation=api_field(record, operation, "LogFileValidationEnabled"))]


def build_log_group(record: Record, context: BuildContext) -> list[LogGroup]:
    return [complete(LogGroup, record, context, "AWS::Logs::LogGroup",
                     kms_key=api_field(record, "DescribeLogGroups", "kmsKeyId"))]


def build_queue(record: Record, context: BuildContext) -> list[Queue]:
    operation = "GetQueueAttributes"
    return [complete(
        Queue, record, context, "AWS::SQS::Queue",
        kms_key=key_field(record, operation, "KmsMasterKeyId", context, Queue),
        sqs_managed_encryption=api_field(record, operation, "SqsManagedSseEnabled",
                                         convert=as_bool))]


def build_topic(record: Record, context: BuildContext) -> list[Topic]:
    return [complete(Topic, record, context, "AWS::SNS::Topic",
                     kms_key=key_field(record, "GetTopicAttributes", "KmsMasterKeyId",
                                       context, Topic))]


def build_stream(record: Record, context: BuildContext) -> list[Stream]:
    operation = "DescribeStreamSummary"
    return [complete(
        Stream, record, context, "AWS::Kinesis::Stream",
        encryption_type=api_field(record, operation, "EncryptionType"),
        kms_key=key_field(record, operation, "KeyId", context, Stream))]


def build_vault(record: Record, context: BuildContext) -> list[Vault]:
    return [complete(Vault, record, context, "AWS::Backup::BackupVault",
                     kms_key=key_field(record, "ListBackupVaults", "EncryptionKeyArn", context,
                                       Vault))]


BUILDERS = {
    "kms.key": build_key,
    "cloudtrail.trail": build_trail,
    "logs.log_group": build_log_group,
    "sqs.queue": build_queue,
    "sns.topic": build_topic,
    "kinesis.stream": build_stream,
    "backup.vault": build_vault,
}
