"""Resources that configure another (listener rules, parameter groups, backup plans and
selections, trails beside stores): the finding is exact, the hidden value is found
through the relation, and what lies outside the scan is UNKNOWN with a reason."""

from __future__ import annotations

from pathlib import Path

from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan

RULES = load_rules([catalogue_directory("rules")])

_INSTANCE = '''resource "aws_db_instance" "ehr" {
  engine               = "postgres"
  engine_version       = "14.12"
  instance_class       = "db.m6g.large"
  parameter_group_name = %s
}
'''
_GROUP = '''resource "aws_db_parameter_group" "ehr" {
  name   = "ehr-pg14"
  family = "postgres14"

  parameter {
    name  = "rds.force_ssl"
    value = var.force_ssl
  }
}
'''


def _outcomes(tmp_path: Path, files: dict[str, str], rule_id: str) -> list[tuple[str, ...]]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path,
                              rules=[rule for rule in RULES if rule.id == rule_id]))
    assert not result.problems, result.problems
    return sorted((outcome.status.value, outcome.location.path, outcome.location.start_line,
                   outcome.resource.address, outcome.message) for outcome in result.outcomes)


def test_parameter_group_outside_the_scan_is_unknown(tmp_path: Path) -> None:
    found = _outcomes(tmp_path, {"db.tf": _INSTANCE % '"shared-pg14"'}, "PLN-013")
    assert [item[:4] for item in found] == [("unknown", "db.tf", 5, "aws_db_instance.ehr")]
    assert "shared-pg14 is not declared in the scanned files" in found[0][4]


def test_parameter_in_another_file_hidden_behind_a_variable(tmp_path: Path) -> None:
    files = {"db.tf": _INSTANCE % "aws_db_parameter_group.ehr.name",
             "groups.tf": _GROUP, "variables.tf": 'variable "force_ssl" {\n  default = "0"\n}\n'}
    found = _outcomes(tmp_path, files, "PLN-013")
    # The finding points at the parameter, in the group's file, for the instance.
    assert [item[:4] for item in found] == [("fail", "groups.tf", 7, "aws_db_instance.ehr")]
    (tmp_path / "terraform.tfvars").write_text('force_ssl = "1"\n')
    assert [item[:4] for item in _outcomes(tmp_path, {}, "PLN-013")] == [
        ("pass", "groups.tf", 7, "aws_db_instance.ehr")]


def test_default_group_depends_on_the_engine_version(tmp_path: Path) -> None:
    text = ('resource "aws_db_instance" "ehr" {\n  engine         = "postgres"\n'
            '  engine_version = %s\n  instance_class = "db.m6g.large"\n}\n')
    assert [item[:3] for item in _outcomes(tmp_path, {"db.tf": text % '"14.12"'}, "PLN-013")] \
        == [("fail", "db.tf", 1)]
    assert [item[:3] for item in _outcomes(tmp_path, {"db.tf": text % '"15.7"'}, "PLN-013")] \
        == [("pass", "db.tf", 1)]
    unknown = _outcomes(tmp_path, {"db.tf": text % "var.version",
                                   "v.tf": 'variable "version" {}\n'}, "PLN-013")
    assert [item[:3] for item in unknown] == [("unknown", "db.tf", 1)]
    assert "depends on the engine version" in unknown[0][4]


_BACKUP = '''resource "aws_kms_key" "data" {}
resource "aws_backup_vault" "main" {
  name        = "main"
  kms_key_arn = %s
}
resource "aws_backup_plan" "main" {
  name = "main"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 7 * * ? *)"
  }
}
resource "aws_backup_selection" "main" {
  name         = "stores"
  plan_id      = aws_backup_plan.main.id
  iam_role_arn = "arn:aws:iam::111122223333:role/backup"
  resources    = [%s]
}
resource "aws_efs_file_system" "scans" {
  encrypted  = true
  kms_key_id = aws_kms_key.data.arn
}
'''


def test_backup_vault_sharing_the_store_key_through_a_local(tmp_path: Path) -> None:
    files = {"main.tf": _BACKUP % ("local.vault_key", "aws_efs_file_system.scans.arn"),
             "locals.tf": "locals {\n  vault_key = aws_kms_key.data.arn\n}\n"}
    found = _outcomes(tmp_path, files, "KEY-005")
    assert [item[:4] for item in found] == [("fail", "main.tf", 4, "aws_backup_vault.main")]
    assert "also encrypts aws_efs_file_system.scans" in found[0][4]


def test_backup_selection_by_literal_arn_is_unknown(tmp_path: Path) -> None:
    arn = '"arn:aws:rds:us-east-1:111122223333:db:elsewhere"'
    found = _outcomes(tmp_path, {"main.tf": _BACKUP % ('"alias/backup"', arn)}, "KEY-005")
    assert [item[:3] for item in found] == [("unknown", "main.tf", 4)]
    assert "not declared in the scanned files" in found[0][4]


def test_vault_key_named_by_an_alias_outside_the_scan_is_unknown(tmp_path: Path) -> None:
    # "alias/backup" may point at aws_kms_key.data: without the alias's declaration that
    # cannot be known, so the separation is not passed.
    files = {"main.tf": _BACKUP % ('"alias/backup"', "aws_efs_file_system.scans.arn")}
    found = _outcomes(tmp_path, files, "KEY-005")
    assert [item[:4] for item in found] == [("unknown", "main.tf", 4, "aws_backup_vault.main")]
    assert "may be the same key (an alias whose target key is not in the scan)" in found[0][4]


_LISTENER = '''resource "aws_lb_listener" "web" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/w/1"
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/w/1"
  }
}
resource "aws_lb_listener_rule" "redirect" {
  listener_arn = aws_lb_listener.web.arn
  %s
  action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
  condition {
    path_pattern {
      values = [%s]
    }
  }
}
'''


def test_partial_path_redirect_rule_fails_and_says_so(tmp_path: Path) -> None:
    found = _outcomes(tmp_path, {"lb.tf": _LISTENER % ("priority = 1", '"/portal/*"')},
                      "PLN-001")
    assert [item[:4] for item in found] == [("fail", "lb.tf", 4, "aws_lb_listener.web")]
    assert "redirect only some requests to HTTPS" in found[0][4]


def test_catch_all_redirect_rule_passes_and_pattern_from_a_variable(tmp_path: Path) -> None:
    files = {"lb.tf": _LISTENER % ("priority = 1", "var.pattern"),
             "v.tf": 'variable "pattern" {\n  default = "/*"\n}\n'}
    assert [item[:3] for item in _outcomes(tmp_path, files, "PLN-001")] == [
        ("pass", "lb.tf", 4)]


def test_forwarding_rule_without_priority_next_to_catch_all_is_unknown(tmp_path: Path) -> None:
    forward = '''resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.web.arn
  action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/a/1"
  }
  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}
'''
    files = {"lb.tf": _LISTENER % ("priority = 5", '"/*"'), "api.tf": forward}
    found = _outcomes(tmp_path, files, "PLN-001")
    assert [item[:3] for item in found] == [("unknown", "lb.tf", 4)]
    assert "aws_lb_listener_rule.api" in found[0][4]
