"""Work done once and shared by the Terraform resolver and adapters gives the same values
as doing it each time: a module directory's declarations are indexed once for all its
calls, an instance is found by its key, and a security group's redirect-only ports are
worked out once per group from an index of the blocks that list it."""

from __future__ import annotations

from pathlib import Path

from linter.adapters import collect_builders
from linter.adapters import terraform as adapters
from linter.adapters.terraform import ec2
from linter.discover import FileProblem
from linter.parsers.terraform import parse_hcl
from linter.resolve.terraform import ModuleScope
from linter.resolve.terraform_modules import ModuleLibrary

ROOT = '''module "first" {
  source = "./modules/store"
  name   = "first-store"
}
module "second" {
  source = "./modules/store"
  name   = "second-store"
  ports  = ["8443"]
}
'''

STORE = '''variable "name" {
  type = string
}
variable "ports" {
  type    = list(number)
  default = ["443"]
}
resource "aws_s3_bucket" "this" {
  bucket = var.name
}
resource "aws_ssm_parameter" "port" {
  count = length(var.ports)
  name  = "${var.name}-${count.index}"
  value = var.ports[count.index]
}
output "second_port_name" {
  value = aws_ssm_parameter.port[0].name
}
'''


def _library(tmp_path: Path) -> tuple[ModuleLibrary, dict[str, list]]:
    modules = {".": [parse_hcl(ROOT, "main.tf")],
               "modules/store": [parse_hcl(STORE, "modules/store/main.tf")]}
    return ModuleLibrary(modules, tmp_path), modules


def test_calls_of_one_module_share_its_declarations_and_keep_their_own_values(
        tmp_path: Path) -> None:
    library, modules = _library(tmp_path)
    scope = ModuleScope(".", modules["."], library=library)
    blocks = {block.address: block for block in scope.resolved_blocks()}
    assert sorted(blocks) == [
        "module.first.aws_s3_bucket.this", "module.first.aws_ssm_parameter.port[0]",
        "module.second.aws_s3_bucket.this", "module.second.aws_ssm_parameter.port[0]"]
    assert blocks["module.first.aws_s3_bucket.this"].config.get("bucket") == "first-store"
    assert blocks["module.second.aws_s3_bucket.this"].config.get("bucket") == "second-store"
    # list(number) converts each call's strings: the parsed type serves both calls.
    assert blocks["module.first.aws_ssm_parameter.port[0]"].config.get("value") == 443
    assert blocks["module.second.aws_ssm_parameter.port[0]"].config.get("value") == 8443
    first = scope._children[("first", None)]
    second = scope._children[("second", None)]
    assert first._blocks is second._blocks  # indexed once for both calls
    assert first._variable_types is second._variable_types


def test_a_module_file_list_that_grew_is_indexed_again(tmp_path: Path) -> None:
    library, modules = _library(tmp_path)
    files = modules["modules/store"]
    before = ModuleScope("modules/store", files, library=library)
    files.append(parse_hcl('resource "aws_kms_key" "late" {}\n', "modules/store/late.tf"))
    after = ModuleScope("modules/store", files, library=library)
    assert ("resource", "aws_kms_key", "late") not in before._blocks
    assert ("resource", "aws_kms_key", "late") in after._blocks


COUNTED = '''resource "aws_ssm_parameter" "p" {
  count = 3
  name  = "p-${count.index}"
}
locals {
  last = aws_ssm_parameter.p[2].name
  missing = try(aws_ssm_parameter.p[5].name, "none")
}
'''


def test_an_instance_is_found_by_its_key() -> None:
    scope = ModuleScope(".", [parse_hcl(COUNTED, "main.tf")])
    assert scope._local("last") == "p-2"
    assert scope._local("missing") == "none"
    assert [block.config.get("name") for block in scope.resolved_blocks()] == [
        "p-0", "p-1", "p-2"]


GROUP = '''resource "aws_security_group" "web" {
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_security_group_rule" "http" {
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  from_port         = 80
  to_port           = 80
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
resource "aws_security_group_rule" "http_v6" {
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  from_port         = 80
  to_port           = 80
  protocol          = "tcp"
  ipv6_cidr_blocks  = ["::/0"]
}
resource "aws_lb" "portal" {
  security_groups = [aws_security_group.other.id, aws_security_group.web.id]
}
resource "aws_security_group" "other" {}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.portal.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      port     = "443"
      protocol = "HTTPS"
    }
  }
}
'''

INSTANCE = '''resource "aws_instance" "app" {
  vpc_security_group_ids = [aws_security_group.web.id]
}
'''


def _tolerated(text: str) -> dict[str, list[list[int]]]:
    blocks = ModuleScope(".", [parse_hcl(text, "main.tf")]).resolved_blocks()
    return {model.address: [rule.exposure.value["redirect_only_ports"]
                            for rule in model.ingress]
            for model in adapters.build_models(blocks) if model.address.startswith("aws_sec")}


def test_every_rule_of_a_group_behind_a_redirecting_balancer_tolerates_port_80() -> None:
    assert _tolerated(GROUP) == {
        "aws_security_group.web": [[80]],
        "aws_security_group_rule.http": [[80]],
        "aws_security_group_rule.http_v6": [[80]],
        "aws_security_group.other": [],
    }


def test_another_user_of_the_group_voids_the_tolerance_for_every_rule() -> None:
    assert _tolerated(GROUP + INSTANCE) == {
        "aws_security_group.web": [[]],
        "aws_security_group_rule.http": [[]],
        "aws_security_group_rule.http_v6": [[]],
        "aws_security_group.other": [],
    }


def test_a_group_named_only_in_a_depends_on_is_not_used_by_that_block() -> None:
    instance = 'resource "aws_instance" "app" {\n  depends_on = [aws_security_group.web]\n}\n'
    assert _tolerated(GROUP + instance) == _tolerated(GROUP)


def test_the_users_of_a_group_no_balancer_lists_are_not_looked_for() -> None:
    # Looking for them would evaluate every block, those of types no builder reads too.
    text = GROUP.replace("aws_security_group.other.id, aws_security_group.web.id", "") + \
        'resource "aws_iam_role_policy_attachment" "a" {\n  role = "r"\n}\n'
    scope = ModuleScope(".", [parse_hcl(text, "main.tf")])
    problems: list[FileProblem] = []
    builders = collect_builders(adapters.__name__)
    models = adapters.build_models(scope.contained_blocks(problems, builders.__contains__),
                                   problems)
    assert not problems
    assert [rule.exposure.value["redirect_only_ports"] for model in models
            if model.address == "aws_security_group.web" for rule in model.ingress] == [[]]
    assert ("resource", "aws_iam_role_policy_attachment", "a", None) not in scope._cache


def test_list_references_index_each_block_once_per_target_in_declaration_order() -> None:
    text = GROUP + INSTANCE + '''resource "aws_instance" "twice" {
  vpc_security_group_ids = [aws_security_group.web.id, aws_security_group.web.arn]
}
'''
    blocks = ModuleScope(".", [parse_hcl(text, "main.tf")]).resolved_blocks()
    index = ec2._list_references(blocks)
    assert [block.address for block in index[("aws_security_group", "web")]] == [
        "aws_lb.portal", "aws_instance.app", "aws_instance.twice"]
    assert [block.address for block in index[("aws_security_group", "other")]] == [
        "aws_lb.portal"]
