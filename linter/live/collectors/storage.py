"""Collectors for storage: S3 buckets, EBS volumes and snapshots, EC2 security groups, EFS,
DynamoDB."""

from __future__ import annotations

from linter.live.collectors import ALL_FIELDS, CollectContext, Record, Service, arn, paginate, plain


def collect_s3(context: CollectContext) -> list[Record]:
    s3 = context.client_for("s3")
    records = []
    # BucketRegion makes ListBuckets regional, so each bucket is read (and reported)
    # once, in its own region, like every other service.
    for bucket in paginate(s3, "list_buckets", "Buckets", BucketRegion=context.region):
        name = bucket["Name"]
        record = Record("s3.bucket", "s3", name,
                        arn(context, "s3", name, regional=False, with_account=False))
        if context.wants("GetBucketEncryption"):
            # Buckets created before 2023 may have no configuration at all: the setting
            # is then absent, not an error.
            response = context.call(record, "s3", "GetBucketEncryption",
                                    s3.get_bucket_encryption,
                                    ("ServerSideEncryptionConfigurationNotFoundError",),
                                    Bucket=name)
            record.data["GetBucketEncryption"] = response
        else:
            record.skipped.add("GetBucketEncryption")
        # Each optional read: (operation, client method, error code meaning "not set").
        for operation, method, absent in (
                ("GetBucketPolicy", s3.get_bucket_policy, "NoSuchBucketPolicy"),
                ("GetBucketVersioning", s3.get_bucket_versioning, ""),
                ("GetBucketLogging", s3.get_bucket_logging, ""),
                ("GetPublicAccessBlock", s3.get_public_access_block,
                 "NoSuchPublicAccessBlockConfiguration")):
            if context.wants(operation):
                record.data[operation] = context.call(record, "s3", operation, method,
                                                      (absent,), Bucket=name)
            else:
                record.skipped.add(operation)
        if context.anchoring:
            # Unlike most APIs, S3 returns a bucket's tags only through their own call.
            record.data["GetBucketTagging"] = context.call(
                record, "s3", "GetBucketTagging", s3.get_bucket_tagging, ("NoSuchTagSet",),
                Bucket=name)
        records.append(record)
    _mark_log_targets(records)
    return records


def _mark_log_targets(records: list[Record]) -> None:
    """Which buckets receive another bucket's access logs.

    S3 delivers access logs only to a bucket in the source bucket's Region, so the
    buckets of one Region are enough to know.
    """
    targets = {(record.data.get("GetBucketLogging") or {}).get("LoggingEnabled", {})
               .get("TargetBucket") for record in records}
    for record in records:
        if "GetBucketLogging" in record.data:
            record.data["log target"] = {"IsLogTarget": record.name in targets}


def collect_ec2(context: CollectContext) -> list[Record]:
    ec2 = context.client_for("ec2")
    records = []
    if context.wants("DescribeVolumes"):
        for volume in paginate(ec2, "describe_volumes", "Volumes"):
            volume_id = volume["VolumeId"]
            records.append(Record("ec2.volume", "ec2", volume_id,
                                  arn(context, "ec2", f"volume/{volume_id}"),
                                  {"DescribeVolumes": volume}))
    if context.wants("DescribeSnapshots"):
        # The account's own snapshots only: without OwnerIds, the answer also lists every
        # public snapshot in the Region and those other accounts share with this one.
        for snapshot in paginate(ec2, "describe_snapshots", "Snapshots", OwnerIds=["self"]):
            snapshot_id = snapshot["SnapshotId"]
            # Snapshot ARNs carry no account id (arn:aws:ec2:REGION::snapshot/ID).
            records.append(Record("ec2.snapshot", "ec2", snapshot_id,
                                  arn(context, "ec2", f"snapshot/{snapshot_id}",
                                      with_account=False),
                                  {"DescribeSnapshots": snapshot}))
    if context.wants("DescribeSecurityGroups"):
        for group in paginate(ec2, "describe_security_groups", "SecurityGroups"):
            group_id = group["GroupId"]
            records.append(Record("ec2.security_group", "ec2", group_id,
                                  arn(context, "ec2", f"security-group/{group_id}"),
                                  {"DescribeSecurityGroups": group}))
    return records


def collect_efs(context: CollectContext) -> list[Record]:
    efs = context.client_for("efs")
    return [Record("efs.file_system", "elasticfilesystem", system["FileSystemId"],
                   system.get("FileSystemArn") or arn(
                       context, "elasticfilesystem", f"file-system/{system['FileSystemId']}"),
                   {"DescribeFileSystems": system})
            for system in paginate(efs, "describe_file_systems", "FileSystems")]


def collect_dynamodb(context: CollectContext) -> list[Record]:
    dynamodb = context.client_for("dynamodb")
    records = []
    for name in paginate(dynamodb, "list_tables", "TableNames"):
        record = Record("dynamodb.table", "dynamodb", name, arn(context, "dynamodb",
                                                                f"table/{name}"))
        response = context.call(record, "dynamodb", "DescribeTable", dynamodb.describe_table,
                                ("ResourceNotFoundException",), TableName=name)
        if response is not None:
            record.arn = response["Table"].get("TableArn", record.arn)
            record.data["DescribeTable"] = response["Table"]
        records.append(record)
    return records


_ENCRYPTION = frozenset({"encryption_algorithm", "kms_key", "encryption_enabled"})

SERVICES = (
    Service("s3", {"ListBuckets": ("aws.s3.Bucket", ALL_FIELDS),
                   "GetBucketEncryption": ("aws.s3.Bucket", _ENCRYPTION),
                   "GetBucketPolicy": ("aws.s3.Bucket", frozenset({"policy"})),
                   "GetBucketVersioning": ("aws.s3.Bucket", frozenset({"versioning_status"})),
                   "GetBucketLogging": ("aws.s3.Bucket",
                                        frozenset({"access_logging", "is_log_target"})),
                   "GetPublicAccessBlock": ("aws.s3.Bucket", frozenset({
                       "block_public_acls", "block_public_policy", "ignore_public_acls",
                       "restrict_public_buckets"}))},
            plain(collect_s3)),
    Service("dynamodb", {"ListTables": ("aws.dynamodb.Table", ALL_FIELDS)},
            plain(collect_dynamodb)),
    Service("efs", {"DescribeFileSystems": ("aws.efs.FileSystem", ALL_FIELDS)},
            plain(collect_efs)),
)
