"""S3 buckets configured by other resources (public access block, versioning, logging,
account-level block) and CloudTrail with its bucket: the setting is found through the
relation, the finding points at the exact line, and what lies outside the scan is UNKNOWN
naming what is missing."""

from __future__ import annotations

from pathlib import Path

from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan

RULES = load_rules([catalogue_directory("rules")])

_BUCKET = 'resource "aws_s3_bucket" "%s" {\n  bucket = "%s"\n}\n'
_BLOCK = '''resource "aws_s3_bucket_public_access_block" "photos" {
  bucket                  = %s
  block_public_acls       = true
  block_public_policy     = %s
  ignore_public_acls      = true
  restrict_public_buckets = true
}
'''
_ACCOUNT = '''resource "aws_s3_account_public_access_block" "baseline" {
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = %s
}
'''
_TRAIL = '''resource "aws_cloudtrail" "org" {
  name           = "clinic-trail"
  s3_bucket_name = %s
}
'''
_ENCRYPTION = '''resource "aws_s3_bucket_server_side_encryption_configuration" "audit" {
  bucket = aws_s3_bucket.audit.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
'''


def _outcomes(tmp_path: Path, files: dict[str, str], rule_id: str) -> list[tuple]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path,
                              rules=[rule for rule in RULES if rule.id == rule_id]))
    assert not result.problems, result.problems
    return sorted((outcome.status.value, outcome.location.path, outcome.location.start_line,
                   outcome.resource.address, outcome.message) for outcome in result.outcomes)


def test_public_access_block_in_another_file_by_reference_and_by_name(tmp_path: Path) -> None:
    bucket = {"bucket.tf": _BUCKET % ("photos", "clinic-photos")}
    found = _outcomes(tmp_path, {**bucket, "block.tf": _BLOCK % (
        "aws_s3_bucket.photos.id", "false")}, "NET-001")
    # The finding names the bucket but points at the flag, in the block's file.
    assert [item[:4] for item in found] == [("fail", "block.tf", 4, "aws_s3_bucket.photos")]
    assert "aws_s3_bucket_public_access_block.photos: block_public_policy" in found[0][4]
    found = _outcomes(tmp_path, {"block.tf": _BLOCK % ('"clinic-photos"', "true")}, "NET-001")
    assert [item[:2] for item in found] == [("pass", "block.tf")]


def test_undeclared_block_passes_on_the_s3_default(tmp_path: Path) -> None:
    found = _outcomes(tmp_path, {"main.tf": _BUCKET % ("photos", "clinic-photos")}, "NET-001")
    assert [item[:4] for item in found] == [("pass", "main.tf", 1, "aws_s3_bucket.photos")]


def test_account_block_overrides_the_bucket_block_only_when_complete(tmp_path: Path) -> None:
    files = {"main.tf": _BUCKET % ("photos", "clinic-photos"),
             "block.tf": _BLOCK % ("aws_s3_bucket.photos.id", "false"),
             "account.tf": _ACCOUNT % "true"}
    assert [item[0] for item in _outcomes(tmp_path, files, "NET-001")] == ["pass"]
    files["account.tf"] = _ACCOUNT % "false"
    assert [item[:3] for item in _outcomes(tmp_path, files, "NET-001")] == [
        ("fail", "block.tf", 4)]
    files["account.tf"] = 'variable "strict" {}\n' + _ACCOUNT % "var.strict"
    # The bucket's own block fails; only the unknown account flag could still save it.
    assert [item[0] for item in _outcomes(tmp_path, files, "NET-001")] == ["unknown"]


def test_log_target_is_exempt_and_an_unknown_target_is_unknown(tmp_path: Path) -> None:
    logging = ('resource "aws_s3_bucket_logging" "photos" {\n'
               '  bucket        = aws_s3_bucket.photos.id\n  target_bucket = %s\n}\n')
    files = {"main.tf": _BUCKET % ("photos", "clinic-photos") + _BUCKET % ("logs", "clinic-logs"),
             "logging.tf": logging % '"clinic-logs"'}
    assert [item[0] for item in _outcomes(tmp_path, files, "LOG-003")] == ["pass", "pass"]
    files["logging.tf"] = 'variable "target" {}\n' + logging % "var.target"
    found = _outcomes(tmp_path, files, "LOG-003")
    assert [(item[0], item[3]) for item in found] == [
        ("pass", "aws_s3_bucket.photos"), ("unknown", "aws_s3_bucket.logs")]
    assert "access-log target of aws_s3_bucket_logging.photos is unknown" in found[1][4]


def test_versioning_resource_found_through_for_each_instance(tmp_path: Path) -> None:
    text = '''resource "aws_s3_bucket" "photos" {
  for_each = toset(["raw", "derm"])
  bucket   = "clinic-${each.key}"
}

resource "aws_s3_bucket_versioning" "photos" {
  for_each = toset(["raw", "derm"])
  bucket   = aws_s3_bucket.photos[each.key].id
  versioning_configuration {
    status = each.key == "raw" ? "Enabled" : "Suspended"
  }
}
'''
    found = _outcomes(tmp_path, {"main.tf": text}, "BAK-004")
    assert [(item[0], item[2], item[3]) for item in found] == [
        ("fail", 10, 'aws_s3_bucket.photos["derm"]'), ("pass", 10, 'aws_s3_bucket.photos["raw"]')]


def test_trail_bucket_found_by_reference_or_name_else_unknown(tmp_path: Path) -> None:
    bucket = _BUCKET % ("audit", "clinic-audit")
    found = _outcomes(tmp_path, {"trail.tf": _TRAIL % "aws_s3_bucket.audit.id",
                                 "bucket.tf": bucket}, "LOG-004")
    assert [item[:4] for item in found] == [("fail", "trail.tf", 3, "aws_cloudtrail.org")]
    assert "aws_s3_bucket.audit: server_side_encryption_configuration" in found[0][4]
    found = _outcomes(tmp_path, {"trail.tf": _TRAIL % '"clinic-audit"',
                                 "encryption.tf": _ENCRYPTION,
                                 "block.tf": _BLOCK.replace('"photos"', '"audit"')
                                 % ("aws_s3_bucket.audit.id", "true")}, "LOG-004")
    assert [item[:3] for item in found] == [("pass", "trail.tf", 3)]
    (tmp_path / "bucket.tf").unlink()
    found = _outcomes(tmp_path, {}, "LOG-004")
    assert [item[:3] for item in found] == [("unknown", "trail.tf", 3)]
    assert "bucket clinic-audit is not declared in the scanned files" in found[0][4]


def test_trail_bucket_relying_on_the_s3_default_fails(tmp_path: Path) -> None:
    files = {"trail.tf": _TRAIL % "aws_s3_bucket.audit.bucket",
             "bucket.tf": _BUCKET % ("audit", "clinic-audit"), "encryption.tf": _ENCRYPTION}
    found = _outcomes(tmp_path, files, "LOG-004")
    assert [item[:3] for item in found] == [("fail", "trail.tf", 3)]
    assert "aws_s3_bucket_public_access_block` is not set" in found[0][4]


def test_cloudformation_trail_bucket_behind_a_parameter_is_unknown(tmp_path: Path) -> None:
    template = '''AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  TrailBucket:
    Type: String
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      S3BucketName: !Ref TrailBucket
'''
    found = _outcomes(tmp_path, {"trail.yaml": template}, "LOG-004")
    assert [item[:4] for item in found] == [("unknown", "trail.yaml", 10, "Trail")]
