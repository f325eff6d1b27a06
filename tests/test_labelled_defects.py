"""False findings found by hand-labelling ephi-lint's FAILs on the public corpora
(benchmarks/labels/), each pinned by the exact rule, resource, line and status:

- BAK-004: a bucket created with Object Lock keeps versions (S3 turns versioning on and
  never lets it be suspended): terraform-aws-modules/s3-bucket examples/object/main.tf.
"""

from __future__ import annotations

from pathlib import Path

from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan

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
