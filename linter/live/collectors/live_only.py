"""Collectors for the live-only checks: what is deployed now, which no template can say.

- KMS key state (KEY-090) and CloudTrail trail status (LOG-010) come from the records
  the kms and cloudtrail collectors already make (DescribeKey, GetTrailStatus); only the
  service map names the extra need.
- EBS default encryption (ENC-090) is one setting per account and Region, read beside
  the ec2 service's volumes, snapshots and security groups.
- ACM certificates (CRT-090): ListCertificates and DescribeCertificate.
"""

from __future__ import annotations

from linter.live.collectors import ALL_FIELDS, CollectContext, Record, Service, arn, paginate, plain
from linter.live.collectors.storage import collect_ec2 as _collect_ec2

# Every key type ACM issues or imports: without Includes, ListCertificates returns only
# RSA_1024 and RSA_2048 certificates.
ACM_KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1",
                 "EC_secp384r1", "EC_secp521r1"]


def collect_ec2(context: CollectContext) -> list[Record]:
    """The ec2 service: volumes, snapshots and security groups, and the Region's EBS default."""
    records = _collect_ec2(context)
    if context.wants("GetEbsEncryptionByDefault"):
        ec2 = context.client_for("ec2")
        # AWS gives the setting no ARN; the address names it in ARN form all the same.
        record = Record("ec2.ebs_default", "ec2", "ebs-encryption-by-default",
                        arn(context, "ec2", "ebs-encryption-by-default"))
        record.data["GetEbsEncryptionByDefault"] = context.call(
            record, "ec2", "GetEbsEncryptionByDefault", ec2.get_ebs_encryption_by_default)
        records.append(record)
    return records


def collect_acm(context: CollectContext) -> list[Record]:
    acm = context.client_for("acm")
    records = []
    for summary in paginate(acm, "list_certificates", "CertificateSummaryList",
                            Includes={"keyTypes": ACM_KEY_TYPES}):
        certificate_arn = summary["CertificateArn"]
        name = f"{summary.get('DomainName', 'certificate')}-{certificate_arn.rsplit('/', 1)[-1]}"
        record = Record("acm.certificate", "acm", name, certificate_arn)
        response = context.call(record, "acm", "DescribeCertificate",
                                acm.describe_certificate, CertificateArn=certificate_arn)
        record.data["DescribeCertificate"] = (response or {}).get("Certificate")
        records.append(record)
    return records


# What the API answers for a failing and a passing resource, shown in docs/rules.md
# (these rules have no IaC fixtures: no template can hold the deployed state).
EXAMPLES: dict[str, dict[str, str]] = {
    "KEY-090": {
        "fail": '// kms:DescribeKey\n{"KeyMetadata": {"KeyId": "1234abcd-...", '
                '"KeyManager": "CUSTOMER",\n  "KeyState": "PendingDeletion", '
                '"DeletionDate": "2026-12-01T00:00:00Z"}}',
        "pass": '// kms:DescribeKey\n{"KeyMetadata": {"KeyId": "1234abcd-...", '
                '"KeyManager": "CUSTOMER",\n  "KeyState": "Enabled"}}',
    },
    "LOG-010": {
        "fail": '// cloudtrail:GetTrailStatus (Name=clinic-trail)\n{"IsLogging": false}',
        "pass": '// cloudtrail:GetTrailStatus (Name=clinic-trail)\n{"IsLogging": true}',
    },
    "ENC-090": {
        "fail": '// ec2:GetEbsEncryptionByDefault (us-east-1)\n{"EbsEncryptionByDefault": false}',
        "pass": '// ec2:GetEbsEncryptionByDefault (us-east-1)\n{"EbsEncryptionByDefault": true}',
    },
    "CRT-090": {
        "fail": '// acm:DescribeCertificate\n{"Certificate": {"DomainName": "portal.example.com",'
                '\n  "Status": "ISSUED", "KeyAlgorithm": "RSA_1024", '
                '"NotAfter": "(in 12 days)"}}',
        "pass": '// acm:DescribeCertificate\n{"Certificate": {"DomainName": "portal.example.com",'
                '\n  "Status": "ISSUED", "KeyAlgorithm": "RSA_2048", '
                '"NotAfter": "(in 300 days)"}}',
    },
    # Drift (linter/live/drift.py): the declaration and the live answer side by side.
    "DRF-001": {
        "fail": '// templates/clinic.yaml:8 (PatientDataVolume)\nEncrypted: true\n'
                '// ec2:DescribeVolumes, tagged aws:cloudformation:logical-id PatientDataVolume\n'
                '{"Volumes": [{"VolumeId": "vol-0a1b", "Encrypted": false}]}',
        "pass": '// templates/clinic.yaml:8 (PatientDataVolume)\nEncrypted: true\n'
                '// ec2:DescribeVolumes, tagged aws:cloudformation:logical-id PatientDataVolume\n'
                '{"Volumes": [{"VolumeId": "vol-0a1b", "Encrypted": true}]}',
    },
    "DRF-002": {
        "fail": '// templates/clinic.yaml:21: a Deny of s3:* when aws:SecureTransport is false\n'
                '// s3:GetBucketPolicy (patient-photos)\nNoSuchBucketPolicy',
        "pass": '// templates/clinic.yaml:21: a Deny of s3:* when aws:SecureTransport is false\n'
                '// s3:GetBucketPolicy (patient-photos)\n{"Statement": [{"Effect": "Deny", '
                '"Principal": "*", "Action": "s3:*",\n  "Condition": {"Bool": '
                '{"aws:SecureTransport": "false"}}}]}',
    },
    "DRF-003": {
        "fail": '// terraform.tfstate: module.data.aws_db_instance.clinic\n'
                '"kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/1111..."\n'
                '// rds:DescribeDBInstances (clinic-db)\n'
                '{"KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/9999..."}',
        "pass": '// terraform.tfstate: module.data.aws_db_instance.clinic\n'
                '"kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/1111..."\n'
                '// rds:DescribeDBInstances (clinic-db)\n'
                '{"KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1111..."}',
    },
    "DRF-004": {
        "fail": '// s3:ListBuckets\n{"Buckets": [{"Name": "research-exports"}]}\n'
                '// no template (aws:cloudformation tags) or state instance declares it',
        "pass": '// s3:ListBuckets\n{"Buckets": [{"Name": "research-exports"}]}\n'
                '// terraform.tfstate: aws_s3_bucket.exports, "arn": '
                '"arn:aws:s3:::research-exports"',
    },
}


SERVICES = (
    Service("ec2", {"DescribeVolumes": ("aws.ec2.Volume", ALL_FIELDS),
                    "DescribeSnapshots": ("aws.ec2.Snapshot", ALL_FIELDS),
                    "DescribeSecurityGroups": ("aws.ec2.SecurityGroup", ALL_FIELDS),
                    "GetEbsEncryptionByDefault": ("aws.live.EbsDefaultEncryption", ALL_FIELDS)},
            plain(collect_ec2)),
    Service("acm", {"ListCertificates": ("aws.live.Certificate", ALL_FIELDS),
                    "DescribeCertificate": ("aws.live.Certificate", ALL_FIELDS)},
            plain(collect_acm)),
)
