"""S3 buckets, security groups and DynamoDB tables: values read from several calls or
derived from the answer.

EBS volumes and snapshots and EFS file systems are plain mappings
(tables/mappings/aws_core.yaml, section aws_live)."""

from __future__ import annotations

from linter.adapters.aws_live import (
    BuildContext,
    api_field,
    complete,
    key_field,
    policy_field,
)
from linter.live.collectors import Record
from linter.models.aws.dynamodb import Table
from linter.models.aws.ec2 import IngressRule, SecurityGroup, exposure_field
from linter.models.aws.s3 import Bucket
from linter.models.base import Field, FieldState

_S3_DEFAULT = "ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault"


def build_bucket(record: Record, context: BuildContext) -> list[Bucket]:
    return [complete(
        Bucket, record, context, "AWS::S3::Bucket",
        encryption_algorithm=api_field(record, "GetBucketEncryption",
                                       f"{_S3_DEFAULT}.SSEAlgorithm"),
        kms_key=key_field(record, "GetBucketEncryption", f"{_S3_DEFAULT}.KMSMasterKeyID",
                          context, Bucket),
        policy=policy_field(api_field(record, "GetBucketPolicy", "Policy")),
        versioning_status=api_field(record, "GetBucketVersioning", "Status"),
        access_logging=_switch(api_field(record, "GetBucketLogging", "LoggingEnabled")),
        is_log_target=_log_target(record),
        **{name: _public_access_flag(record, flag) for name, flag in _PUBLIC_ACCESS.items()})]


# Block Public Access flags: model field -> PublicAccessBlockConfiguration key.
_PUBLIC_ACCESS = {"block_public_acls": "BlockPublicAcls",
                  "block_public_policy": "BlockPublicPolicy",
                  "ignore_public_acls": "IgnorePublicAcls",
                  "restrict_public_buckets": "RestrictPublicBuckets"}


def _public_access_flag(record: Record, flag: str) -> Field:
    written = api_field(record, "GetPublicAccessBlock",
                        f"PublicAccessBlockConfiguration.{flag}")
    if written.state is FieldState.ABSENT:
        # No bucket-level configuration: the bucket blocks nothing by itself (the
        # 2023 default is applied as a configuration, which would be read here).
        return Field(False, FieldState.SET, written.attribute)
    return written


def _switch(written: Field) -> Field:
    """A configuration block that is either present (on) or absent (off)."""
    if written.state is FieldState.SET:
        return Field(True, FieldState.SET, written.attribute)
    return written


def _log_target(record: Record) -> Field:
    attribute = "s3:GetBucketLogging LoggingEnabled.TargetBucket of the Region's buckets"
    if "GetBucketLogging" in record.skipped or "GetBucketLogging" in record.unreadable:
        return api_field(record, "GetBucketLogging", "LoggingEnabled")  # UNKNOWN, with why
    value = (record.data.get("log target") or {}).get("IsLogTarget", False)
    return Field(value, FieldState.SET, attribute)


def build_security_group(record: Record, context: BuildContext) -> list[SecurityGroup]:
    group = record.data["DescribeSecurityGroups"]
    rules = []
    for index, permission in enumerate(group.get("IpPermissions", [])):
        label = f"IpPermissions[{index}]"
        shown = f"{label}."
        protocol = api_field(record, "DescribeSecurityGroups",
                             f"IpPermissions[{index}].IpProtocol", shown=f"{shown}IpProtocol")
        from_port = api_field(record, "DescribeSecurityGroups",
                              f"IpPermissions[{index}].FromPort", shown=f"{shown}FromPort")
        to_port = api_field(record, "DescribeSecurityGroups",
                            f"IpPermissions[{index}].ToPort", shown=f"{shown}ToPort")
        cidrs = ([item["CidrIp"] for item in permission.get("IpRanges", [])]
                 + [item["CidrIpv6"] for item in permission.get("Ipv6Ranges", [])])
        attribute = f"ec2:DescribeSecurityGroups {shown}IpRanges / Ipv6Ranges"
        # A rule that admits only other groups or prefix lists has no CIDR sources.
        sources = (Field(cidrs, FieldState.SET, attribute) if cidrs
                   else Field.absent(attribute))
        # Load balancers that only redirect port 80 are not resolved live yet: no port
        # is tolerated, which can only add findings, never hide one.
        rules.append(IngressRule(label=label, line=1, protocol=protocol, from_port=from_port,
                                 to_port=to_port, sources=sources,
                                 exposure=exposure_field(protocol, from_port, to_port,
                                                         sources)))
    return [complete(SecurityGroup, record, context, "AWS::EC2::SecurityGroup",
                     ingress=tuple(rules))]


def build_table(record: Record, context: BuildContext) -> list[Table]:
    # SSEDescription appears only for KMS encryption (aws/dynamodb or a customer key);
    # a table on the AWS-owned key has none, which reads as "not KMS-encrypted".
    status = api_field(record, "DescribeTable", "SSEDescription.SSEType",
                       shown="SSEDescription.SSEType = KMS")
    enabled = (Field(status.value == "KMS", FieldState.SET, status.attribute)
               if status.state in (FieldState.SET, FieldState.ABSENT) else status)
    return [complete(
        Table, record, context, "AWS::DynamoDB::Table",
        kms_encryption_enabled=enabled,
        kms_key=key_field(record, "DescribeTable", "SSEDescription.KMSMasterKeyArn", context,
                          Table))]


BUILDERS = {
    "s3.bucket": build_bucket,
    "ec2.security_group": build_security_group,
    "dynamodb.table": build_table,
}
