"""Collectors for messaging and logs: SQS, SNS, Kinesis, CloudWatch Logs, Backup vaults."""

from __future__ import annotations

from linter.live.collectors import ALL_FIELDS, CollectContext, Record, Service, arn, paginate, plain


def collect_sqs(context: CollectContext) -> list[Record]:
    sqs = context.client_for("sqs")
    records = []
    for url in paginate(sqs, "list_queues", "QueueUrls"):
        name = url.rstrip("/").rsplit("/", 1)[-1]
        record = Record("sqs.queue", "sqs", name, arn(context, "sqs", name))
        # Only the encryption attributes: never message contents or counts.
        response = context.call(record, "sqs", "GetQueueAttributes", sqs.get_queue_attributes,
                                ("AWS.SimpleQueueService.NonExistentQueue",), QueueUrl=url,
                                AttributeNames=["QueueArn", "KmsMasterKeyId",
                                                "SqsManagedSseEnabled"])
        if response is not None:
            record.data["GetQueueAttributes"] = response.get("Attributes", {})
            record.arn = record.data["GetQueueAttributes"].get("QueueArn", record.arn)
        records.append(record)
    return records


def collect_sns(context: CollectContext) -> list[Record]:
    sns = context.client_for("sns")
    records = []
    for topic in paginate(sns, "list_topics", "Topics"):
        topic_arn = topic["TopicArn"]
        record = Record("sns.topic", "sns", topic_arn.rsplit(":", 1)[-1], topic_arn)
        response = context.call(record, "sns", "GetTopicAttributes", sns.get_topic_attributes,
                                ("NotFound",), TopicArn=topic_arn)
        if response is not None:
            record.data["GetTopicAttributes"] = response.get("Attributes", {})
        records.append(record)
    return records


def collect_kinesis(context: CollectContext) -> list[Record]:
    kinesis = context.client_for("kinesis")
    records = []
    for name in paginate(kinesis, "list_streams", "StreamNames"):
        record = Record("kinesis.stream", "kinesis", name, arn(context, "kinesis",
                                                               f"stream/{name}"))
        response = context.call(record, "kinesis", "DescribeStreamSummary",
                                kinesis.describe_stream_summary, ("ResourceNotFoundException",),
                                StreamName=name)
        if response is not None:
            summary = response["StreamDescriptionSummary"]
            record.arn = summary.get("StreamARN", record.arn)
            record.data["DescribeStreamSummary"] = summary
        records.append(record)
    return records


def collect_logs(context: CollectContext) -> list[Record]:
    logs = context.client_for("logs")
    return [Record("logs.log_group", "logs", group["logGroupName"],
                   (group.get("arn") or arn(context, "logs",
                                            f"log-group:{group['logGroupName']}")).removesuffix(
                       ":*"),
                   {"DescribeLogGroups": group})
            for group in paginate(logs, "describe_log_groups", "logGroups")]


def collect_backup(context: CollectContext) -> list[Record]:
    backup = context.client_for("backup")
    return [Record("backup.vault", "backup", vault["BackupVaultName"],
                   vault.get("BackupVaultArn") or arn(
                       context, "backup", f"backup-vault:{vault['BackupVaultName']}"),
                   {"ListBackupVaults": vault})
            for vault in paginate(backup, "list_backup_vaults", "BackupVaultList")]


SERVICES = (
    Service("logs", {"DescribeLogGroups": ("aws.logs.LogGroup", ALL_FIELDS)},
            plain(collect_logs)),
    Service("sqs", {"ListQueues": ("aws.sqs.Queue", ALL_FIELDS)}, plain(collect_sqs)),
    Service("sns", {"ListTopics": ("aws.sns.Topic", ALL_FIELDS)}, plain(collect_sns)),
    Service("kinesis", {"ListStreams": ("aws.kinesis.Stream", ALL_FIELDS)},
            plain(collect_kinesis)),
    Service("backup", {"ListBackupVaults": ("aws.backup.Vault", ALL_FIELDS)},
            plain(collect_backup)),
)
