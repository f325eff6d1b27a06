"""Terraform module calls: each call is evaluated with its own arguments, findings point
inside the module file and name the call path, registry modules are read through
`.terraform/modules/modules.json` or reported as not read (never guessed at)."""

from __future__ import annotations

import json
from pathlib import Path

from linter.discover import FileProblem
from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, ScanResult, scan
from linter.values import Unknown

RULES = load_rules([catalogue_directory("rules")])

BUCKET_MODULE = '''variable "name" {}
variable "algorithm" {
  default = "none"
}
resource "aws_s3_bucket" "this" {
  bucket = var.name
}
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count  = var.algorithm == "none" ? 0 : 1
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = var.algorithm
    }
  }
}
'''

KEY_MODULE = '''variable "rotate" {
  default = false
}
resource "aws_kms_key" "this" {
  enable_key_rotation = var.rotate
}
output "rotation" {
  value = aws_kms_key.this.enable_key_rotation
}
'''


def _scan(tmp_path: Path, files: dict[str, str], rule_ids: tuple[str, ...],
          paths: list[str] | None = None) -> ScanResult:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    targets = [tmp_path / item for item in paths] if paths else [tmp_path]
    return scan(ScanRequest(paths=targets, root=tmp_path,
                            rules=[rule for rule in RULES if rule.id in rule_ids]))


def _findings(result: ScanResult) -> list[tuple[str, str, str, int, str]]:
    return sorted((outcome.rule.id, outcome.status.value, outcome.location.path,
                   outcome.location.start_line, outcome.resource.address)
                  for outcome in result.outcomes)


def test_each_call_is_bound_to_its_own_arguments(tmp_path: Path) -> None:
    # trivy#10926: the module's default ("none") must not decide the photos call.
    files = {"main.tf": '''module "photos" {
  source    = "./modules/bucket"
  name      = "clinic-photos"
  algorithm = "aws:kms"
}
module "exports" {
  source = "./modules/bucket"
  name   = "clinic-exports"
}
''', "modules/bucket/main.tf": BUCKET_MODULE}
    result = _scan(tmp_path, files, ("ENC-001",))
    assert not result.problems
    assert _findings(result) == [
        ("ENC-001", "fail", "modules/bucket/main.tf", 5, "module.exports.aws_s3_bucket.this"),
        ("ENC-001", "pass", "modules/bucket/main.tf", 13, "module.photos.aws_s3_bucket.this"),
    ]


def test_caller_value_wins_over_a_compliant_default(tmp_path: Path) -> None:
    files = {"main.tf": 'module "k" {\n  source = "./key"\n  rotate = false\n}\n',
             "key/main.tf": KEY_MODULE.replace("default = false", "default = true")}
    result = _scan(tmp_path, files, ("KEY-002",))
    assert _findings(result) == [("KEY-002", "fail", "key/main.tf", 5, "module.k.aws_kms_key.this")]


def test_module_directory_is_not_also_judged_on_its_defaults(tmp_path: Path) -> None:
    files = {"main.tf": 'module "k" {\n  source = "./key"\n  rotate = true\n}\n',
             "key/main.tf": KEY_MODULE}
    result = _scan(tmp_path, files, ("KEY-002",))
    # Only the call's instance: no second, failing `aws_kms_key.this` from the defaults.
    assert _findings(result) == [("KEY-002", "pass", "key/main.tf", 5, "module.k.aws_kms_key.this")]


def test_module_directory_scanned_alone_is_a_root_module(tmp_path: Path) -> None:
    files = {"main.tf": 'module "k" {\n  source = "./key"\n  rotate = true\n}\n',
             "key/main.tf": KEY_MODULE}
    result = _scan(tmp_path, files, ("KEY-002",), paths=["key"])
    assert _findings(result) == [("KEY-002", "fail", "key/main.tf", 5, "aws_kms_key.this")]


def test_module_variable_without_value_is_unknown(tmp_path: Path) -> None:
    files = {"main.tf": 'module "k" {\n  source = "./key"\n}\n',
             "key/main.tf": KEY_MODULE.replace('{\n  default = false\n}', "{}")}
    result = _scan(tmp_path, files, ("KEY-002",))
    assert _findings(result) == [
        ("KEY-002", "unknown", "key/main.tf", 3, "module.k.aws_kms_key.this")]
    assert "module.k does not pass it" in result.outcomes[0].message


def test_nested_modules_and_call_path_in_address(tmp_path: Path) -> None:
    files = {"main.tf": 'module "clinic" {\n  source = "./clinic"\n  rotate = false\n}\n',
             "clinic/main.tf": '''variable "rotate" {}
module "key" {
  source = "../key"
  rotate = var.rotate
}
module "second" {
  source = "../key"
  rotate = true
}
''', "key/main.tf": KEY_MODULE}
    result = _scan(tmp_path, files, ("KEY-002",))
    assert _findings(result) == [
        ("KEY-002", "fail", "key/main.tf", 5, "module.clinic.module.key.aws_kms_key.this"),
        ("KEY-002", "pass", "key/main.tf", 5, "module.clinic.module.second.aws_kms_key.this"),
    ]
    fingerprints = {outcome.fingerprint for outcome in result.outcomes}
    assert len(fingerprints) == 2


def test_module_order_does_not_change_the_result(tmp_path: Path) -> None:
    # checkov#7470: two calls of one source, names in either alphabetical order.
    calls = ['module "zeta" {\n  source = "./key"\n  rotate = true\n}\n',
             'module "alpha" {\n  source = "./key"\n  rotate = false\n}\n']
    first = _scan(tmp_path / "a", {"main.tf": "".join(calls), "key/main.tf": KEY_MODULE},
                  ("KEY-002",))
    second = _scan(tmp_path / "b", {"main.tf": "".join(reversed(calls)),
                                    "key/main.tf": KEY_MODULE}, ("KEY-002",))
    expected = [("KEY-002", "fail", "key/main.tf", 5, "module.alpha.aws_kms_key.this"),
                ("KEY-002", "pass", "key/main.tf", 5, "module.zeta.aws_kms_key.this")]
    assert _findings(first) == _findings(second) == expected


def test_module_output_resolves_in_the_call(tmp_path: Path) -> None:
    files = {"main.tf": '''module "k" {
  source = "./key"
  rotate = true
}
module "off" {
  source = "./key"
}
resource "aws_kms_key" "mirror" {
  enable_key_rotation = module.k.rotation
}
resource "aws_kms_key" "mirror_off" {
  enable_key_rotation = module.off.rotation
}
''', "key/main.tf": KEY_MODULE}
    result = _scan(tmp_path, files, ("KEY-002",))
    assert [item for item in _findings(result) if item[2] == "main.tf"] == [
        ("KEY-002", "fail", "main.tf", 12, "aws_kms_key.mirror_off"),
        ("KEY-002", "pass", "main.tf", 9, "aws_kms_key.mirror"),
    ]


def test_module_outside_the_scanned_path_is_read_from_disk(tmp_path: Path) -> None:
    files = {"live/main.tf": 'module "k" {\n  source = "../shared/key"\n  rotate = false\n}\n',
             "shared/key/main.tf": KEY_MODULE}
    result = _scan(tmp_path, files, ("KEY-002",), paths=["live"])
    assert _findings(result) == [
        ("KEY-002", "fail", "shared/key/main.tf", 5, "module.k.aws_kms_key.this")]


REGISTRY_CALL = '''module "vault_key" {
  source  = "terraform-aws-modules/kms/aws"
  version = "3.1.0"
  rotate  = false
}
resource "aws_kms_key" "copy" {
  enable_key_rotation = module.vault_key.rotation
}
'''


def test_registry_module_without_init_is_reported_not_guessed(tmp_path: Path) -> None:
    result = _scan(tmp_path, {"main.tf": REGISTRY_CALL}, ("KEY-002",))
    assert result.problems == [FileProblem(
        "main.tf", 'line 1: module "vault_key" (source "terraform-aws-modules/kms/aws") was '
        "not read: it is not a local path and .terraform/modules/modules.json has no readable "
        "entry for it (run terraform init); its resources are not judged", "warning")]
    assert not result.errors
    assert _findings(result) == [("KEY-002", "unknown", "main.tf", 7, "aws_kms_key.copy")]
    assert ('output of module vault_key, whose source "terraform-aws-modules/kms/aws" was '
            "not read") in result.outcomes[0].message


def test_registry_module_is_read_through_modules_json(tmp_path: Path) -> None:
    manifest = {"Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {"Key": "vault_key", "Source": "registry.terraform.io/terraform-aws-modules/kms/aws",
         "Version": "3.1.0", "Dir": ".terraform/modules/vault_key"}]}
    files = {"main.tf": REGISTRY_CALL, ".terraform/modules/vault_key/main.tf": KEY_MODULE,
             ".terraform/modules/modules.json": json.dumps(manifest)}
    result = _scan(tmp_path, files, ("KEY-002",))
    assert not result.problems
    assert _findings(result) == [
        ("KEY-002", "fail", ".terraform/modules/vault_key/main.tf", 5,
         "module.vault_key.aws_kms_key.this"),
        ("KEY-002", "fail", "main.tf", 7, "aws_kms_key.copy"),
    ]


def test_undeclared_module_output_stays_unknown() -> None:
    from linter.parsers.terraform import parse_hcl
    from linter.resolve.terraform import ModuleScope

    parsed = parse_hcl('locals {\n  x = module.kms.key_arn\n}\n', "main.tf")
    scope = ModuleScope("m", [parsed])
    assert scope.evaluate(parsed.blocks[0].attributes["x"].expression) == Unknown(
        "output of module kms")


def test_a_terraform_file_symlinked_into_another_folder_still_belongs_to_its_own_module(
        tmp_path: Path) -> None:
    # azure-aks: unit-test-fixture/variables.tf -> ../variables.tf was walked first, and the
    # root module lost its own variable declarations (KEY-002 UNKNOWN instead of PASS).
    (tmp_path / "main.tf").write_text(
        'resource "aws_kms_key" "k" {\n  enable_key_rotation = var.rotate\n}\n')
    (tmp_path / "variables.tf").write_text('variable "rotate" {\n  default = true\n}\n')
    (tmp_path / "a_fixture").mkdir()
    (tmp_path / "a_fixture" / "variables.tf").symlink_to("../variables.tf")
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, workers=1,
                              rules=[rule for rule in RULES if rule.id == "KEY-002"]))
    assert [(outcome.rule.id, outcome.status.value, outcome.location.path,
             outcome.location.start_line, outcome.resource.address)
            for outcome in result.outcomes] == [("KEY-002", "pass", "main.tf", 2,
                                                 "aws_kms_key.k")]
