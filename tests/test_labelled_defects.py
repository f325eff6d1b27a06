"""False findings found by hand-labelling ephi-lint's FAILs on the public corpora
(benchmarks/labels/), each pinned by the exact rule, resource, line and status:

- BAK-004: a bucket created with Object Lock keeps versions (S3 turns versioning on and
  never lets it be suspended): terraform-aws-modules/s3-bucket examples/object/main.tf.
- KEY-001: an RDS cluster or instance restored from a snapshot or replicating another
  database, without a key of its own, takes the source's key, not the service default:
  aws-cloudformation-templates DMS/DMSAuroraToS3FullLoadAndOngoingReplication.json.
- LOG-003: a log bucket made by one module call is the log target of a sibling call's
  bucket: terraform-aws-modules/s3-bucket examples/complete/main.tf.
- checkov skips written in a CloudFormation resource's Metadata except the equivalent
  rules, as `checkov:skip=` comments do: aws-cloudformation-templates RainModules/bucket.yml.
"""

from __future__ import annotations

from pathlib import Path

from linter.checkov_results import checkov_metadata_skips
from linter.config import Config
from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan
from linter.suppress import Policy

RULES = load_rules([catalogue_directory("rules")])


def _write(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)


def _outcomes(tmp_path: Path, files: dict[str, str], *rule_ids: str,
              scanned: str = ".") -> list[tuple[str, str, str, str, int, str]]:
    """(rule, status, resource, path, line, message) of every outcome, sorted."""
    _write(tmp_path, files)
    result = scan(ScanRequest(paths=[tmp_path / scanned], root=tmp_path,
                              rules=[rule for rule in RULES if rule.id in rule_ids]))
    assert not result.problems, result.problems
    return sorted((outcome.rule.id, outcome.status.value, outcome.resource.address,
                   outcome.location.path, outcome.location.start_line, outcome.message)
                  for outcome in result.outcomes)


# --- BAK-004: Object Lock turns versioning on -----------------------------------------

_LOCKED_PASS = ("`versioning` is not set (the bucket is created with Object Lock "
                "(`{attribute}`), for which S3 turns versioning on and never lets it be "
                'suspended: "Enabled")')


def test_terraform_bucket_created_with_object_lock_keeps_versions(tmp_path: Path) -> None:
    found = _outcomes(tmp_path, {"main.tf": (
        'resource "aws_s3_bucket" "x" { object_lock_enabled = true }\n'
        "\n"
        'resource "aws_s3_bucket" "legacy" {\n'
        "  object_lock_configuration {\n"
        '    object_lock_enabled = "Enabled"\n'
        "  }\n"
        "}\n")}, "BAK-004")
    assert found == [
        ("BAK-004", "pass", "aws_s3_bucket.legacy", "main.tf", 5, "aws_s3_bucket.legacy: "
         + _LOCKED_PASS.format(attribute="object_lock_configuration.object_lock_enabled")),
        ("BAK-004", "pass", "aws_s3_bucket.x", "main.tf", 1,
         "aws_s3_bucket.x: " + _LOCKED_PASS.format(attribute="object_lock_enabled")),
    ]


def test_object_lock_off_unknown_or_chosen_by_a_conditional(tmp_path: Path) -> None:
    found = _outcomes(tmp_path, {"main.tf": (
        'variable "lock" {}\n'
        'resource "aws_s3_bucket" "off" { object_lock_enabled = false }\n'
        'resource "aws_s3_bucket" "unknown" { object_lock_enabled = var.lock }\n'
        'resource "aws_s3_bucket" "either" {\n'
        "  object_lock_enabled = var.lock ? true : false\n"
        "}\n")}, "BAK-004")
    assert found == [
        ("BAK-004", "fail", "aws_s3_bucket.either", "main.tf", 5,
         "S3 bucket aws_s3_bucket.either does not keep object versions: false branch (line 5): "
         "`versioning` is null"),
        ("BAK-004", "fail", "aws_s3_bucket.off", "main.tf", 2,
         "S3 bucket aws_s3_bucket.off does not keep object versions: `versioning` is not set"),
        ("BAK-004", "unknown", "aws_s3_bucket.unknown", "main.tf", 3,
         "S3 buckets holding ePHI keep object versions: cannot be decided for "
         "aws_s3_bucket.unknown: `versioning` is not known (whether the bucket is created "
         "with Object Lock (`object_lock_enabled`), which turns versioning on, is not known "
         "(var.lock has no value (no default, no tfvars)))"),
    ]


def test_written_versioning_status_is_kept_beside_object_lock(tmp_path: Path) -> None:
    found = _outcomes(tmp_path, {"main.tf": (
        'resource "aws_s3_bucket" "x" {\n'
        "  object_lock_enabled = true\n"
        "}\n"
        'resource "aws_s3_bucket_versioning" "x" {\n'
        "  bucket = aws_s3_bucket.x.id\n"
        "  versioning_configuration {\n"
        '    status = "Suspended"\n'
        "  }\n"
        "}\n")}, "BAK-004")
    # S3 refuses to suspend versioning on such a bucket: the configuration contradicts
    # itself, and the written status is what is reported.
    assert [item[:5] for item in found] == [
        ("BAK-004", "fail", "aws_s3_bucket.x", "main.tf", 7)]


def test_cloudformation_bucket_created_with_object_lock_keeps_versions(tmp_path: Path) -> None:
    found = _outcomes(tmp_path, {"buckets.yaml": (
        "Resources:\n"
        "  Locked:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      ObjectLockEnabled: true\n"
        "  Configured:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      ObjectLockConfiguration:\n"
        "        ObjectLockEnabled: Enabled\n"
        "  Plain:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        '      ObjectLockEnabled: "false"\n')}, "BAK-004")
    absent = "`Properties.VersioningConfiguration` is not set"
    assert found == [
        ("BAK-004", "fail", "Plain", "buckets.yaml", 11,
         f"S3 bucket Plain does not keep object versions: {absent}"),
        ("BAK-004", "pass", "Configured", "buckets.yaml", 10, "Configured: " + _LOCKED_PASS
         .format(attribute="Properties.ObjectLockConfiguration.ObjectLockEnabled")
         .replace("`versioning`", "`Properties.VersioningConfiguration`")),
        ("BAK-004", "pass", "Locked", "buckets.yaml", 5, "Locked: " + _LOCKED_PASS
         .format(attribute="Properties.ObjectLockEnabled")
         .replace("`versioning`", "`Properties.VersioningConfiguration`")),
    ]


# --- KEY-001 / ENC-003 / ENC-004: restored and replicated RDS databases ---------------

_DMS_CLUSTER = '''{
    "Parameters": {
        "SnapshotIdentifier": {
            "Type": "String",
            "Default": "arn:aws:rds:us-east-1:111122223333:cluster-snapshot:ehr-nightly"
        }
    },
    "Resources": {
        "AuroraCluster": {
            "Type": "AWS::RDS::DBCluster",
            "Properties": {
                "Engine": "aurora-postgresql",
                "SnapshotIdentifier": {
                    "Ref": "SnapshotIdentifier"
                },
                "StorageEncrypted": true
            }
        }
    }
}
'''
_SNAPSHOT = "arn:aws:rds:us-east-1:111122223333:cluster-snapshot:ehr-nightly"


def _key_unknown(resource: str, attribute: str, reason: str) -> str:
    return (f"ePHI stores encrypt with a customer-managed KMS key: cannot be decided for "
            f"{resource}: `{attribute}` is not known ({reason})")


def test_cloudformation_cluster_restored_from_a_snapshot_inherits_its_key(
        tmp_path: Path) -> None:
    found = _outcomes(tmp_path, {"dms.json": _DMS_CLUSTER}, "KEY-001", "ENC-004")
    assert found == [
        # StorageEncrypted is written: ENC-004 judges it as written.
        ("ENC-004", "pass", "AuroraCluster", "dms.json", 16,
         "AuroraCluster: `Properties.StorageEncrypted` is true"),
        ("KEY-001", "unknown", "AuroraCluster", "dms.json", 13, _key_unknown(
            "AuroraCluster", "Properties.KmsKeyId", f"inherited from the snapshot {_SNAPSHOT}")),
    ]


def test_cloudformation_instances_restored_or_replicated(tmp_path: Path) -> None:
    found = _outcomes(tmp_path, {"db.yaml": (
        "Resources:\n"
        "  Restored:\n"
        "    Type: AWS::RDS::DBInstance\n"
        "    Properties:\n"
        "      DBClusterSnapshotIdentifier: visits-nightly\n"
        "  PointInTime:\n"
        "    Type: AWS::RDS::DBInstance\n"
        "    Properties:\n"
        "      StorageEncrypted: true\n"
        "      SourceDBInstanceIdentifier: visits\n"
        "      UseLatestRestorableTime: true\n"
        "  Reader:\n"
        "    Type: AWS::RDS::DBInstance\n"
        "    Properties:\n"
        "      StorageEncrypted: true\n"
        "      SourceDBInstanceIdentifier: visits\n"
        "      KmsKeyId: alias/aws/rds\n")}, "KEY-001", "ENC-003")
    assert found == [
        # Without StorageEncrypted, encryption is the snapshot's: unknown, and so the key.
        ("ENC-003", "unknown", "Restored", "db.yaml", 5,
         "RDS DB instances encrypt their storage: cannot be decided for Restored: "
         "`Properties.StorageEncrypted` is not known (inherited from the snapshot "
         "visits-nightly)"),
        ("KEY-001", "fail", "Reader", "db.yaml", 17,
         "Reader does not use a customer-managed KMS key: alias/aws/rds is an AWS-managed key"),
        ("KEY-001", "unknown", "PointInTime", "db.yaml", 10, _key_unknown(
            "PointInTime", "Properties.KmsKeyId",
            "inherited from the point-in-time restore source visits")),
        ("KEY-001", "unknown", "Restored", "db.yaml", 5, _key_unknown(
            "Restored", "Properties.StorageEncrypted", "inherited from the snapshot "
            "visits-nightly")),
    ]


def test_terraform_restored_and_replicated_databases_inherit_the_key(tmp_path: Path) -> None:
    found = _outcomes(tmp_path, {"main.tf": (
        'resource "aws_rds_cluster" "restored" {\n'
        '  engine              = "aurora-postgresql"\n'
        '  snapshot_identifier = "ehr-nightly"\n'
        "}\n"
        'resource "aws_rds_cluster" "pitr" {\n'
        '  engine            = "aurora-postgresql"\n'
        "  storage_encrypted = true\n"
        "  restore_to_point_in_time {\n"
        '    source_cluster_identifier  = "ehr"\n'
        "    use_latest_restorable_time = true\n"
        "  }\n"
        "}\n"
        'resource "aws_db_instance" "reader" {\n'
        '  instance_class      = "db.t4g.medium"\n'
        "  storage_encrypted   = true\n"
        '  replicate_source_db = "scheduling"\n'
        "}\n")}, "KEY-001", "ENC-003", "ENC-004")
    assert found == [
        ("ENC-004", "pass", "aws_rds_cluster.pitr", "main.tf", 7,
         "aws_rds_cluster.pitr: `storage_encrypted` is true"),
        ("ENC-004", "unknown", "aws_rds_cluster.restored", "main.tf", 3,
         "RDS and Aurora DB clusters encrypt their storage: cannot be decided for "
         "aws_rds_cluster.restored: `storage_encrypted` is not known (inherited from the "
         "snapshot ehr-nightly)"),
        ("KEY-001", "unknown", "aws_db_instance.reader", "main.tf", 16, _key_unknown(
            "aws_db_instance.reader", "kms_key_id",
            "inherited from the replication source scheduling")),
        ("KEY-001", "unknown", "aws_rds_cluster.pitr", "main.tf", 9, _key_unknown(
            "aws_rds_cluster.pitr", "kms_key_id",
            "inherited from the point-in-time restore source ehr")),
        ("KEY-001", "unknown", "aws_rds_cluster.restored", "main.tf", 3, _key_unknown(
            "aws_rds_cluster.restored", "storage_encrypted",
            "inherited from the snapshot ehr-nightly")),
    ]


def test_terraform_s3_import_does_not_inherit_a_key(tmp_path: Path) -> None:
    # RestoreDBClusterFromS3 builds the cluster from backup files, which carry no RDS
    # key: with storage_encrypted and no kms_key_id, RDS uses the account's default key.
    found = _outcomes(tmp_path, {"main.tf": (
        'resource "aws_rds_cluster" "imported" {\n'
        '  engine            = "aurora-mysql"\n'
        "  storage_encrypted = true\n"
        "  s3_import {\n"
        '    source_engine         = "mysql"\n'
        '    source_engine_version = "8.0.32"\n'
        '    bucket_name           = "clinic-xtrabackup"\n'
        '    ingestion_role        = "arn:aws:iam::111122223333:role/rds-import"\n'
        "  }\n"
        "}\n")}, "KEY-001")
    assert found == [
        ("KEY-001", "fail", "aws_rds_cluster.imported", "main.tf", 1,
         "aws_rds_cluster.imported does not use a customer-managed KMS key: no KMS key is "
         "set, so the service's default key (AWS-managed or AWS-owned) is used")]


# --- LOG-003: a log bucket made by a sibling module call -------------------------------

_BUCKET_MODULE = {
    "modules/bucket/main.tf": (
        'variable "name" {}\n'
        'variable "log_target" { default = null }\n'
        'resource "aws_s3_bucket" "this" {\n'
        "  bucket = var.name\n"
        "}\n"
        'resource "aws_s3_bucket_logging" "this" {\n'
        "  count         = var.log_target == null ? 0 : 1\n"
        "  bucket        = aws_s3_bucket.this.id\n"
        "  target_bucket = var.log_target\n"
        '  target_prefix = "log/"\n'
        "}\n"
        'output "id" { value = aws_s3_bucket.this.id }\n'
        'output "name" { value = aws_s3_bucket.this.bucket }\n'),
}


def test_log_bucket_of_a_sibling_module_call_is_a_log_target(tmp_path: Path) -> None:
    found = _outcomes(tmp_path, {**_BUCKET_MODULE, "live/main.tf": (
        'module "log_bucket" {\n'
        '  source = "../modules/bucket"\n'
        '  name   = "clinic-access-logs"\n'
        "}\n"
        'module "photos" {\n'
        '  source     = "../modules/bucket"\n'
        '  name       = "clinic-photos"\n'
        "  log_target = module.log_bucket.id\n"
        "}\n"
        'module "other_logs" {\n'
        '  source = "../modules/bucket"\n'
        '  name   = "clinic-other-logs"\n'
        "}\n")}, "LOG-003", scanned="live")
    path = "modules/bucket/main.tf"
    assert found == [
        ("LOG-003", "fail", "module.other_logs.aws_s3_bucket.this", path, 3,
         "S3 bucket module.other_logs.aws_s3_bucket.this does not log access requests: "
         "`logging` is not set"),
        ("LOG-003", "pass", "module.log_bucket.aws_s3_bucket.this", path, 3,
         "module.log_bucket.aws_s3_bucket.this: `module.photos.aws_s3_bucket_logging.this[0]: "
         "target_bucket` is true"),
        ("LOG-003", "pass", "module.photos.aws_s3_bucket.this", path, 9,
         "module.photos.aws_s3_bucket.this: `module.photos.aws_s3_bucket_logging.this[0]: "
         "target_bucket` is true"),
    ]


def test_log_bucket_named_by_a_module_output_of_its_known_name(tmp_path: Path) -> None:
    found = _outcomes(tmp_path, {**_BUCKET_MODULE, "live/main.tf": (
        'module "log_bucket" {\n'
        '  source = "../modules/bucket"\n'
        '  name   = "clinic-access-logs"\n'
        "}\n"
        'resource "aws_s3_bucket" "photos" {\n'
        '  bucket = "clinic-photos"\n'
        "  logging {\n"
        "    target_bucket = module.log_bucket.name\n"
        "  }\n"
        "}\n")}, "LOG-003", scanned="live")
    assert [item[:5] for item in found] == [
        ("LOG-003", "pass", "aws_s3_bucket.photos", "live/main.tf", 7),
        ("LOG-003", "pass", "module.log_bucket.aws_s3_bucket.this", "modules/bucket/main.tf",
         3),
    ]


def test_same_resource_name_in_another_module_call_is_not_a_log_target(
        tmp_path: Path) -> None:
    # `aws_s3_bucket.this` names a different bucket in each call: only the instance the
    # reference resolved to receives the logs.
    found = _outcomes(tmp_path, {**_BUCKET_MODULE, "live/main.tf": (
        'module "a" {\n'
        '  source = "../modules/bucket"\n'
        '  name   = "clinic-a"\n'
        "}\n"
        'module "b" {\n'
        '  source     = "../modules/bucket"\n'
        '  name       = "clinic-b"\n'
        '  log_target = "clinic-b"\n'
        "}\n")}, "LOG-003", scanned="live")
    assert [item[:5] for item in found] == [
        ("LOG-003", "fail", "module.a.aws_s3_bucket.this", "modules/bucket/main.tf", 3),
        ("LOG-003", "pass", "module.b.aws_s3_bucket.this", "modules/bucket/main.tf", 9),
    ]


# --- checkov skips in CloudFormation Metadata -----------------------------------------

_REPLICA_TEMPLATE = '''Resources:
  ReplicaBucket:
    Type: AWS::S3::Bucket
    Metadata:
      Comment: the target of replicas from the main bucket
      checkov:
        skip:
          - comment: This is the replica bucket
            id: CKV_AWS_18
      bridgecrew:
        skip:
          - id: CKV_AWS_21
  LogBucket:
    Type: AWS::S3::Bucket
    Metadata:
      checkov:
        skip:
          - id: CKV_AWS_99
            comment: not an equivalent of LOG-003
'''


def _judged(tmp_path: Path, files: dict[str, str], config: Config, *rule_ids: str
            ) -> tuple[list[tuple[str, str, int, str, str]], list[tuple[str, str, int, str]]]:
    """(rule, resource, line, status, justification or "") and notices (kind, path, line,
    message)."""
    _write(tmp_path, files)
    rules = [rule for rule in RULES if rule.id in rule_ids]
    policy = Policy(config, tmp_path, [rule.id for rule in rules])
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, rules=rules), policy)
    assert not result.problems, result.problems
    outcomes = sorted((outcome.rule.id, outcome.resource.address, outcome.location.start_line,
                       outcome.status.value,
                       outcome.suppression.justification if outcome.suppression else "")
                      for outcome in result.outcomes if outcome.status.value != "pass")
    notices = sorted((notice.kind, notice.path, notice.line, notice.message)
                     for notice in policy.notices)
    return outcomes, notices


def test_checkov_metadata_skip_excepts_the_equivalent_rule(tmp_path: Path) -> None:
    outcomes, notices = _judged(tmp_path, {"bucket.yml": _REPLICA_TEMPLATE}, Config(),
                                "LOG-003", "BAK-004")
    assert outcomes == [
        # bridgecrew's skip of CKV_AWS_21 (BAK-004) has no comment: refused, reported.
        ("BAK-004", "LogBucket", 13, "fail", ""),
        ("BAK-004", "ReplicaBucket", 2, "fail", ""),
        # CKV_AWS_99 is no equivalent of LOG-003: LogBucket stays open.
        ("LOG-003", "LogBucket", 13, "fail", ""),
        ("LOG-003", "ReplicaBucket", 2, "fail", "This is the replica bucket"),
    ]
    assert notices == [
        ("missing-justification", "bucket.yml", 12,
         "checkov Metadata skip of CKV_AWS_21 (ephi-lint BAK-004) at bucket.yml:12 has no "
         "justification, so it does not suppress: add `comment: <why this is acceptable>` "
         "to the skip of CKV_AWS_21 in the resource's Metadata"),
    ]


def test_checkov_metadata_skip_in_a_json_template_names_its_source(tmp_path: Path) -> None:
    template = ('{"Resources": {"StorageReplicaBucket": {\n'
                '\t"Type": "AWS::S3::Bucket",\n'
                '\t"Metadata": {"checkov": {"skip": [\n'
                '\t\t{"comment": "This is the replica bucket", "id": "CKV_AWS_18"}\n'
                "\t]}}\n"
                "}}}\n")
    _write(tmp_path, {"stack.json": template})
    rules = [rule for rule in RULES if rule.id == "LOG-003"]
    policy = Policy(Config(), tmp_path, ["LOG-003"])
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, rules=rules), policy)
    [outcome] = result.outcomes
    assert (outcome.resource.address, outcome.location.start_line, outcome.status.value) == \
        ("StorageReplicaBucket", 1, "fail")
    assert outcome.suppression is not None
    assert (outcome.suppression.kind, outcome.suppression.justification,
            outcome.suppression.source) == ("inSource", "This is the replica bucket",
                                             "stack.json:4")


def test_checkov_metadata_skips_obey_the_suppression_policy(tmp_path: Path) -> None:
    refused = "checkov Metadata skip of CKV_AWS_18 (ephi-lint LOG-003) at bucket.yml:9 is " \
              "not honoured: configuration "
    outcomes, notices = _judged(tmp_path, {"bucket.yml": _REPLICA_TEMPLATE},
                                Config(forbid_inline_suppressions=True), "LOG-003")
    assert outcomes == [("LOG-003", "LogBucket", 13, "fail", ""),
                        ("LOG-003", "ReplicaBucket", 2, "fail", "")]
    assert notices == [("inline-forbidden", "bucket.yml", 9, refused + (
        "forbids inline suppressions (add a reviewed waiver there instead)"))]
    outcomes, notices = _judged(tmp_path, {}, Config(unsuppressible_rules=("LOG-003",)),
                                "LOG-003")
    assert outcomes == [("LOG-003", "LogBucket", 13, "fail", ""),
                        ("LOG-003", "ReplicaBucket", 2, "fail", "")]
    assert notices == [("unsuppressible", "bucket.yml", 9,
                        refused + "marks LOG-003 as not suppressible")]


def test_metadata_skips_are_read_only_from_resources() -> None:
    text = ("Metadata:\n"
            "  checkov: {skip: [{id: CKV_AWS_1, comment: template level, not a resource}]}\n"
            "Resources:\n"
            "  Bucket:\n"
            "    Type: AWS::S3::Bucket\n"
            "    Metadata:\n"
            "      checkov:\n"
            "        skip:\n"
            "          - comment: no id, ignored as checkov ignores it\n"
            "          - id: CKV_AWS_18\n"
            "          - {id: CKV_AWS_21, comment: '  kept for 10 years  '}\n"
            "      bridgecrew: {skip: not a list}\n"
            "  Broken: [not, a, mapping]\n")
    assert checkov_metadata_skips(text) == [(10, "CKV_AWS_18", ""),
                                            (11, "CKV_AWS_21", "kept for 10 years")]
    assert checkov_metadata_skips("Resources: {A: [unclosed") == []
