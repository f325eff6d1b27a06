"""KMS keys (their policy document), CloudTrail trails and Backup vaults (fields the live
scan does not read are marked UNKNOWN by complete(); a plain mapping must read them all).

CloudWatch log groups, SQS queues, SNS topics and Kinesis streams are plain mappings
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
from linter.models.aws.backup import Vault
from linter.models.aws.cloudtrail import Trail
from linter.models.aws.kms import Key


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


def build_vault(record: Record, context: BuildContext) -> list[Vault]:
    return [complete(Vault, record, context, "AWS::Backup::BackupVault",
                     kms_key=key_field(record, "ListBackupVaults", "EncryptionKeyArn", context,
                                       Vault))]


BUILDERS = {
    "kms.key": build_key,
    "cloudtrail.trail": build_trail,
    "backup.vault": build_vault,
}
