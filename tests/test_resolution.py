"""Values hidden behind variables, locals, references and conditionals are resolved,
and what cannot be known is UNKNOWN with a reason, never a guess."""

from __future__ import annotations

from pathlib import Path

from linter.conditions import Status
from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan

RULES = load_rules([catalogue_directory("rules")])


def _outcomes(tmp_path: Path, files: dict[str, str],
              rule_id: str) -> list[tuple[str, str, int]]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path,
                              rules=[rule for rule in RULES if rule.id == rule_id]))
    assert not result.problems, result.problems
    return sorted((outcome.status.value, outcome.location.path, outcome.location.start_line)
                  for outcome in result.outcomes)


def test_variable_default_local_and_interpolation(tmp_path: Path) -> None:
    files = {"main.tf": '''variable "rotate" {
  default = false
}
locals {
  rotation = var.rotate
}
resource "aws_kms_key" "phi" {
  enable_key_rotation = local.rotation
}
'''}
    assert _outcomes(tmp_path, files, "KEY-002") == [("fail", "main.tf", 8)]


def test_tfvars_overrides_default(tmp_path: Path) -> None:
    files = {"main.tf": 'variable "rotate" {\n  default = false\n}\n'
                        'resource "aws_kms_key" "phi" {\n  enable_key_rotation = var.rotate\n}\n',
             "terraform.tfvars": "rotate = true\n"}
    assert _outcomes(tmp_path, files, "KEY-002") == [("pass", "main.tf", 5)]


def test_auto_tfvars_applies_but_other_tfvars_need_a_flag(tmp_path: Path) -> None:
    files = {"main.tf": 'variable "rotate" {}\n'
                        'resource "aws_kms_key" "phi" {\n  enable_key_rotation = var.rotate\n}\n',
             "prod.auto.tfvars": "rotate = true\n",
             "staging.tfvars": "rotate = false\n"}
    assert _outcomes(tmp_path, files, "KEY-002") == [("pass", "main.tf", 3)]


def test_variable_without_value_is_unknown(tmp_path: Path) -> None:
    files = {"main.tf": 'variable "rotate" {}\n'
                        'resource "aws_kms_key" "phi" {\n  enable_key_rotation = var.rotate\n}\n'}
    assert _outcomes(tmp_path, files, "KEY-002") == [("unknown", "main.tf", 3)]


def test_conditional_with_unknown_condition_fails_on_the_bad_branch(tmp_path: Path) -> None:
    files = {"main.tf": '''variable "production" {}
resource "aws_kms_key" "phi" {
  enable_key_rotation = var.production ? true : false
}
'''}
    (tmp_path / "main.tf").write_text(files["main.tf"])
    result = scan(ScanRequest(paths=[tmp_path / "main.tf"], root=tmp_path,
                              rules=[rule for rule in RULES if rule.id == "KEY-002"]))
    (outcome,) = result.outcomes
    assert outcome.status is Status.FAIL
    assert "false branch (line 3)" in outcome.message


def test_conditional_whose_branches_all_comply_passes(tmp_path: Path) -> None:
    files = {"main.tf": '''variable "production" {}
resource "aws_kms_key" "phi" {
  enable_key_rotation = var.production ? true : true
}
'''}
    assert _outcomes(tmp_path, files, "KEY-002") == [("pass", "main.tf", 3)]


def test_reference_to_a_customer_key_in_another_file(tmp_path: Path) -> None:
    files = {"keys.tf": 'resource "aws_kms_key" "phi" {\n  enable_key_rotation = true\n}\n',
             "storage.tf": '''resource "aws_s3_bucket" "photos" {
  bucket = "clinic-photos"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "photos" {
  bucket = aws_s3_bucket.photos.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.phi.arn
    }
  }
}
'''}
    assert _outcomes(tmp_path, files, "KEY-001") == [("pass", "storage.tf", 9)]


SEPARATE_ENCRYPTION = 'resource "aws_s3_bucket_server_side_encryption_configuration" "photos" {'


def test_split_resource_in_another_file_is_where_the_finding_points(tmp_path: Path) -> None:
    files = {"bucket.tf": 'resource "aws_s3_bucket" "photos" {\n  bucket = "clinic-photos"\n}\n',
             "encryption.tf": SEPARATE_ENCRYPTION + '''
  bucket = "clinic-photos"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
'''}
    assert _outcomes(tmp_path, files, "KEY-001") == [("fail", "encryption.tf", 1)]


def test_cloudformation_parameter_condition_and_if(tmp_path: Path) -> None:
    files = {"template.yaml": '''AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Environment:
    Type: String
    Default: prod
Conditions:
  IsProd: !Equals [!Ref Environment, prod]
  IsDev: !Not [!Condition IsProd]
Resources:
  DevOnlyKey:
    Type: AWS::KMS::Key
    Condition: IsDev
  PhiKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: !If [IsProd, true, false]
'''}
    assert _outcomes(tmp_path, files, "KEY-002") == [("pass", "template.yaml", 16)]


def test_cloudformation_unknown_parameter_is_unknown(tmp_path: Path) -> None:
    files = {"template.json": '''{
  "Resources": {
    "PhiKey": {
      "Type": "AWS::KMS::Key",
      "Properties": {"EnableKeyRotation": {"Ref": "Rotate"}}
    }
  },
  "Parameters": {"Rotate": {"Type": "String"}}
}
'''}
    assert _outcomes(tmp_path, files, "KEY-002") == [("unknown", "template.json", 5)]


def test_tf_json_is_read_like_hcl(tmp_path: Path) -> None:
    files = {"main.tf.json": '''{
  "resource": {
    "aws_kms_key": {
      "phi": {
        "enable_key_rotation": false
      }
    }
  }
}
'''}
    assert _outcomes(tmp_path, files, "KEY-002") == [("fail", "main.tf.json", 5)]
