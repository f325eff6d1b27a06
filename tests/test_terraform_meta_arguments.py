"""Terraform's own arguments of a resource (depends_on, provider, lifecycle, provisioner,
connection) are not evaluated: no adapter reads them, and a block they name is not read
for them (a security group named in a depends_on is not a user of the group:
test_resolve_sharing). count and for_each stay, evaluated once for all instances."""

from __future__ import annotations

from linter.adapters import terraform as adapters
from linter.discover import FileProblem
from linter.parsers.terraform import parse_hcl
from linter.resolve.terraform import ModuleScope

CLUSTER = '''resource "aws_eks_cluster" "main" {
  count      = 1
  name       = "ehr"
  provider   = aws.replica
  depends_on = [aws_iam_role_policy_attachment.cluster]
  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = "arn:aws:kms:us-east-1:111122223333:key/ehr"
    }
  }
  lifecycle {
    ignore_changes       = [name]
    replace_triggered_by = [aws_iam_role_policy_attachment.cluster]
    precondition {
      condition     = aws_iam_role_policy_attachment.cluster.role != ""
      error_message = "no role"
    }
  }
  provisioner "local-exec" {
    command = "echo ${aws_iam_role_policy_attachment.cluster.role}"
  }
  connection {
    host = aws_iam_role_policy_attachment.cluster.role
  }
}
resource "aws_iam_role_policy_attachment" "cluster" {
  role       = "ehr-cluster"
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
}
'''


def test_meta_arguments_are_left_out_and_nested_blocks_of_those_names_kept() -> None:
    [cluster, _] = ModuleScope(".", [parse_hcl(CLUSTER, "main.tf")]).resolved_blocks()
    assert cluster.config.keys() == ["count", "name", "encryption_config"]
    assert cluster.config.get("count") == 1
    [encryption] = cluster.config.get("encryption_config")
    [provider] = encryption.get("provider")  # an argument of the resource, not Terraform's
    assert provider.get("key_arn") == "arn:aws:kms:us-east-1:111122223333:key/ehr"


def test_a_block_named_only_by_meta_arguments_is_not_evaluated() -> None:
    scope = ModuleScope(".", [parse_hcl(CLUSTER, "main.tf")])
    problems: list[FileProblem] = []
    blocks = scope.contained_blocks(problems, lambda source_type: source_type == "aws_eks_cluster")
    adapters.build_models(blocks, problems)
    assert not problems
    assert [block.address for block in blocks] == [
        "aws_eks_cluster.main[0]", "aws_iam_role_policy_attachment.cluster"]
    assert ("resource", "aws_eks_cluster", "main", 0) in scope._cache
    # The attachment has no builder, and nothing but meta-arguments names it.
    assert ("resource", "aws_iam_role_policy_attachment", "cluster", None) not in scope._cache



def test_count_and_for_each_are_evaluated_once_for_every_instance() -> None:
    text = '''variable "ports" {
  default = { web = 443, admin = 8443 }
}
resource "aws_lb_listener" "tls" {
  for_each = { for name, port in var.ports : name => port if port > 0 }
  port     = each.value
}
'''
    blocks = ModuleScope(".", [parse_hcl(text, "main.tf")]).resolved_blocks()
    assert [(block.address, block.config.get("port")) for block in blocks] == [
        ('aws_lb_listener.tls["admin"]', 8443), ('aws_lb_listener.tls["web"]', 443)]
    admin, web = (block.config.get("for_each") for block in blocks)
    assert admin is web  # the value the instances were expanded from
    assert admin.to_plain() == {"web": 443, "admin": 8443}
