"""TLS 1.3 availability is recorded for the coverage figures, whatever the verdict."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

LISTENERS = '''resource "aws_lb_listener" "portal" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/p/1"
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
  certificate_arn   = "arn:aws:acm:us-east-1:111122223333:certificate/1"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/p/1"
  }
}

resource "aws_lb_listener" "legacy" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/l/1"
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS-1-2-2017-01"
  certificate_arn   = "arn:aws:acm:us-east-1:111122223333:certificate/2"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/l/1"
  }
}
'''


def test_tls13_availability_is_counted_for_passing_and_failing_endpoints(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(LISTENERS)
    completed = run_cli("scan", ".", "-f", "json", "--include-rule", "TLS-001", cwd=tmp_path)
    report = json.loads(completed.stdout)
    assert report["summary"]["passed"] == 2  # both floors are TLS 1.2
    assert report["summary"]["coverage"] == {"tls_endpoints_judged": 2, "tls_1_3_available": 1}
