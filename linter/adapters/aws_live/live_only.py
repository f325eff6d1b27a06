"""Builders for the live-only models (linter/models/aws/live.py).

Each builder reads a record another model is also built from (a KMS key, a trail) or
its own (the Region's EBS default, an ACM certificate), and builds its model only when
a selected rule judges it: an unjudged model would only inflate the resource count.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from linter.adapters.aws_live import BuildContext, api_field, complete
from linter.live.collectors import Record
from linter.models.aws.live import Certificate, EbsDefaultEncryption, KeyStatus, TrailStatus
from linter.models.base import Resource


def _judged(model: type[Resource], context: BuildContext) -> bool:
    return model.MODEL in context.judged


def build_key_status(record: Record, context: BuildContext) -> list[KeyStatus]:
    if not _judged(KeyStatus, context):
        return []
    return [complete(KeyStatus, record, context, "AWS::KMS::Key",
                     key_state=api_field(record, "DescribeKey", "KeyState"))]


def build_trail_status(record: Record, context: BuildContext) -> list[TrailStatus]:
    if not _judged(TrailStatus, context):
        return []
    return [complete(TrailStatus, record, context, "AWS::CloudTrail::Trail",
                     is_logging=api_field(record, "GetTrailStatus", "IsLogging"))]


def build_ebs_default(record: Record, context: BuildContext) -> list[EbsDefaultEncryption]:
    if not _judged(EbsDefaultEncryption, context):
        return []
    return [complete(EbsDefaultEncryption, record, context, "AWS::EC2::EBSEncryptionByDefault",
                     enabled=api_field(record, "GetEbsEncryptionByDefault",
                                       "EbsEncryptionByDefault"))]


def _days_left(value: Any) -> Any:
    if isinstance(value, (int, float)):
        value = datetime.fromtimestamp(value, timezone.utc)
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return (value - datetime.now(timezone.utc)).days


def build_certificate(record: Record, context: BuildContext) -> list[Certificate]:
    if not _judged(Certificate, context):
        return []
    operation = "DescribeCertificate"
    days = api_field(record, operation, "NotAfter", shown="NotAfter (days left)",
                     convert=_days_left)
    return [complete(Certificate, record, context, "AWS::CertificateManager::Certificate",
                     status=api_field(record, operation, "Status"),
                     days_until_expiry=days,
                     key_algorithm=api_field(record, operation, "KeyAlgorithm"))]


BUILDERS = {
    "kms.key": build_key_status,
    "cloudtrail.trail": build_trail_status,
    "ec2.ebs_default": build_ebs_default,
    "acm.certificate": build_certificate,
}
