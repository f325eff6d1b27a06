"""AWS compute-side breadth (rules numbered 200-204): the adapters with logic (Session
documents' embedded content, AMI chains, DLM's nested copy rules, launch configurations)
read real-world shapes the fixtures do not spell out."""

from __future__ import annotations

from pathlib import Path

from linter.conditions import Status
from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan

RULES = load_rules([catalogue_directory("rules")])



def _statuses(tmp_path: Path, name: str, text: str, *rule_ids: str) -> list[tuple[str, str, int]]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    rules = [rule for rule in RULES if rule.id in rule_ids]
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, rules=rules))
    assert not result.errors
    assert not [o for o in result.outcomes if o.status is Status.ERROR]
    return sorted((o.rule.id, o.status.value, o.location.start_line) for o in result.outcomes)


def test_session_document_heredoc_with_interpolated_references(tmp_path: Path) -> None:
    """A heredoc whose JSON interpolates resources: the references are known values."""
    text = ('resource "aws_kms_key" "s" {}\n'
            'resource "aws_s3_bucket" "logs" {}\n'
            'resource "aws_ssm_document" "prefs" {\n'
            '  name          = "SSM-SessionManagerRunShell"\n'
            '  document_type = "Session"\n'
            '  content       = <<EOF\n'
            '{"schemaVersion": "1.0", "sessionType": "Standard_Stream",\n'
            ' "inputs": {"kmsKeyId": "${aws_kms_key.s.arn}",\n'
            '            "s3BucketName": "${aws_s3_bucket.logs.id}",\n'
            '            "s3EncryptionEnabled": true}}\n'
            'EOF\n'
            '}\n')
    assert [(rule, status) for rule, status, _ in
            _statuses(tmp_path, "main.tf", text, "TLS-200", "ENC-203")] == [
        ("ENC-203", "pass"), ("TLS-200", "pass")]


def test_session_document_unknown_and_invalid_content(tmp_path: Path) -> None:
    text = ('variable "key" {}\n'
            'resource "aws_ssm_document" "from_variable" {\n'
            '  name          = "a"\n'
            '  document_type = "Session"\n'
            '  content       = var.key\n'
            '}\n'
            'resource "aws_ssm_document" "broken" {\n'
            '  name          = "b"\n'
            '  document_type = "Session"\n'
            '  content       = "{not: [valid"\n'
            '}\n'
            'resource "aws_ssm_document" "command" {\n'
            '  name          = "c"\n'
            '  document_type = "Command"\n'
            '  content       = "{}"\n'
            '}\n')
    assert _statuses(tmp_path, "main.tf", text, "TLS-200") == [
        ("TLS-200", "unknown", 5), ("TLS-200", "unknown", 10)]


def test_session_document_boolean_written_as_text(tmp_path: Path) -> None:
    template = ('Resources:\n'
                '  Prefs:\n'
                '    Type: AWS::SSM::Document\n'
                '    Properties:\n'
                '      DocumentType: Session\n'
                '      Content:\n'
                '        sessionType: Standard_Stream\n'
                '        inputs:\n'
                '          kmsKeyId: alias/sessions\n'
                '          cloudWatchLogGroupName: /ssm/sessions\n'
                '          cloudWatchEncryptionEnabled: "true"\n')
    assert [(rule, status) for rule, status, _ in
            _statuses(tmp_path, "template.yaml", template, "ENC-203")] == [("ENC-203", "pass")]


def test_ami_copy_follows_an_encrypted_source_through_the_snapshot_chain(tmp_path: Path) -> None:
    text = ('resource "aws_ebs_volume" "v" {\n'
            '  availability_zone = "us-east-1a"\n'
            '  size              = 8\n'
            '  encrypted         = true\n'
            '}\n'
            'resource "aws_ebs_snapshot" "s" {\n'
            '  volume_id = aws_ebs_volume.v.id\n'
            '}\n'
            'resource "aws_ami" "a" {\n'
            '  name = "a"\n'
            '  ebs_block_device {\n'
            '    device_name = "/dev/xvda"\n'
            '    snapshot_id = aws_ebs_snapshot.s.id\n'
            '  }\n'
            '}\n'
            'resource "aws_ami_copy" "c" {\n'
            '  name              = "c"\n'
            '  source_ami_id     = aws_ami.a.id\n'
            '  source_ami_region = "us-east-1"\n'
            '}\n')
    # The copy is encrypted (its source is), and names no key: the default EBS key.
    statuses = _statuses(tmp_path, "main.tf", text, "ENC-200", "KEY-200")
    assert [(rule, status) for rule, status, _ in statuses] == [
        ("ENC-200", "pass"), ("ENC-200", "pass"), ("KEY-200", "fail")]
    assert ("KEY-200", "fail", 16) in statuses


def test_dlm_policy_without_copy_rules_has_nothing_to_judge(tmp_path: Path) -> None:
    text = ('resource "aws_dlm_lifecycle_policy" "p" {\n'
            '  description        = "p"\n'
            '  execution_role_arn = "arn:aws:iam::111122223333:role/dlm"\n'
            '  policy_details {\n'
            '    resource_types = ["VOLUME"]\n'
            '    schedule {\n'
            '      name = "daily"\n'
            '      create_rule {\n'
            '        interval = 24\n'
            '      }\n'
            '    }\n'
            '  }\n'
            '}\n')
    assert _statuses(tmp_path, "main.tf", text, "BAK-200", "KEY-202") == []


def test_launch_configuration_dynamic_devices_are_unknown(tmp_path: Path) -> None:
    text = ('variable "devices" {}\n'
            'resource "aws_launch_configuration" "lc" {\n'
            '  image_id      = "ami-0abcdef1234567890"\n'
            '  instance_type = "t3.micro"\n'
            '  root_block_device {\n'
            '    encrypted = true\n'
            '  }\n'
            '  dynamic "ebs_block_device" {\n'
            '    for_each = var.devices\n'
            '    content {\n'
            '      device_name = ebs_block_device.value.name\n'
            '    }\n'
            '  }\n'
            '}\n')
    statuses = _statuses(tmp_path, "main.tf", text, "ENC-002")
    assert statuses == [("ENC-002", "pass", 6), ("ENC-002", "unknown", 8)]
