"""count / for_each expand resources and module calls into instances whose addresses
name the instance key; an unknown count or for_each gives one `[*]` instance judged
with unknown per-instance values (never dropped); dynamic blocks expand when their
for_each is known."""

from __future__ import annotations

from pathlib import Path

from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, ScanResult, scan

RULES = load_rules([catalogue_directory("rules")])


def _scan(tmp_path: Path, files: dict[str, str], rule_ids: tuple[str, ...]) -> ScanResult:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return scan(ScanRequest(paths=[tmp_path], root=tmp_path,
                            rules=[rule for rule in RULES if rule.id in rule_ids]))


def _findings(result: ScanResult) -> list[tuple[str, str, str, int, str]]:
    assert not result.problems, result.problems
    return sorted((outcome.rule.id, outcome.status.value, outcome.location.path,
                   outcome.location.start_line, outcome.resource.address)
                  for outcome in result.outcomes)


def test_count_binds_count_index_per_instance(tmp_path: Path) -> None:
    files = {"main.tf": '''resource "aws_ebs_volume" "scratch" {
  count             = 2
  availability_zone = "us-east-1a"
  encrypted         = count.index == 0
}
'''}
    assert _findings(_scan(tmp_path, files, ("ENC-002",))) == [
        ("ENC-002", "fail", "main.tf", 4, "aws_ebs_volume.scratch[1]"),
        ("ENC-002", "pass", "main.tf", 4, "aws_ebs_volume.scratch[0]"),
    ]


def test_count_from_a_variable_and_count_zero(tmp_path: Path) -> None:
    # checkov#3847: count from a variable; count = 0 declares nothing to judge.
    files = {"main.tf": '''variable "keys" {
  default = 1
}
resource "aws_kms_key" "phi" {
  count               = var.keys
  enable_key_rotation = false
}
resource "aws_kms_key" "disabled" {
  count               = 0
  enable_key_rotation = false
}
'''}
    assert _findings(_scan(tmp_path, files, ("KEY-002",))) == [
        ("KEY-002", "fail", "main.tf", 6, "aws_kms_key.phi[0]")]


def test_for_each_over_a_set_of_strings(tmp_path: Path) -> None:
    files = {"main.tf": '''resource "aws_kms_key" "phi" {
  for_each            = toset(["raw", "derm"])
  enable_key_rotation = each.key == "raw"
}
'''}
    assert _findings(_scan(tmp_path, files, ("KEY-002",))) == [
        ("KEY-002", "fail", "main.tf", 3, 'aws_kms_key.phi["derm"]'),
        ("KEY-002", "pass", "main.tf", 3, 'aws_kms_key.phi["raw"]'),
    ]


def test_for_each_over_a_map_binds_each_value(tmp_path: Path) -> None:
    files = {"main.tf": '''variable "keys" {
  default = {
    photos  = { rotate = true }
    exports = { rotate = false }
  }
}
resource "aws_kms_key" "phi" {
  for_each            = var.keys
  enable_key_rotation = each.value.rotate
}
resource "aws_kms_key" "none" {
  for_each            = {}
  enable_key_rotation = false
}
'''}
    assert _findings(_scan(tmp_path, files, ("KEY-002",))) == [
        ("KEY-002", "fail", "main.tf", 9, 'aws_kms_key.phi["exports"]'),
        ("KEY-002", "pass", "main.tf", 9, 'aws_kms_key.phi["photos"]'),
    ]


def test_unknown_count_gives_one_star_instance_not_a_silent_drop(tmp_path: Path) -> None:
    # trivy#7099: with no value for the count, the resource is still judged, once.
    files = {"main.tf": '''variable "keys" {}
resource "aws_kms_key" "phi" {
  count               = var.keys
  enable_key_rotation = false
}
resource "aws_kms_key" "per_index" {
  count               = var.keys
  enable_key_rotation = count.index == 0
}
'''}
    result = _scan(tmp_path, files, ("KEY-002",))
    assert _findings(result) == [
        ("KEY-002", "fail", "main.tf", 4, "aws_kms_key.phi[*]"),
        ("KEY-002", "unknown", "main.tf", 8, "aws_kms_key.per_index[*]"),
    ]
    unknown = next(o for o in result.outcomes if o.status.value == "unknown")
    assert "cannot be decided for aws_kms_key.per_index[*]" in unknown.message


def test_unknown_for_each_gives_one_star_instance(tmp_path: Path) -> None:
    files = {"main.tf": '''variable "names" {}
resource "aws_kms_key" "phi" {
  for_each            = var.names
  enable_key_rotation = each.value
}
'''}
    result = _scan(tmp_path, files, ("KEY-002",))
    assert _findings(result) == [("KEY-002", "unknown", "main.tf", 4, "aws_kms_key.phi[*]")]
    assert "for_each of aws_kms_key.phi is not known" in result.outcomes[0].message


def test_instance_references_pick_their_own_instance(tmp_path: Path) -> None:
    files = {"main.tf": '''resource "aws_s3_bucket" "photos" {
  for_each = toset(["raw", "derm"])
  bucket   = "clinic-${each.key}"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "photos" {
  for_each = toset(["raw"])
  bucket   = aws_s3_bucket.photos[each.key].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
'''}
    assert _findings(_scan(tmp_path, files, ("ENC-001",))) == [
        ("ENC-001", "fail", "main.tf", 1, 'aws_s3_bucket.photos["derm"]'),
        ("ENC-001", "pass", "main.tf", 10, 'aws_s3_bucket.photos["raw"]'),
    ]


def test_module_call_with_for_each_and_count(tmp_path: Path) -> None:
    files = {"main.tf": '''module "keys" {
  source   = "./key"
  for_each = { photos = true, exports = false }
  rotate   = each.value
}
module "spare" {
  source = "./key"
  count  = 1
  rotate = count.index == 0
}
''', "key/main.tf": '''variable "rotate" {}
resource "aws_kms_key" "this" {
  enable_key_rotation = var.rotate
}
'''}
    assert _findings(_scan(tmp_path, files, ("KEY-002",))) == [
        ("KEY-002", "fail", "key/main.tf", 3, 'module.keys["exports"].aws_kms_key.this'),
        ("KEY-002", "pass", "key/main.tf", 3, 'module.keys["photos"].aws_kms_key.this'),
        ("KEY-002", "pass", "key/main.tf", 3, "module.spare[0].aws_kms_key.this"),
    ]


DYNAMIC = '''variable "algorithms" {%s}
resource "aws_s3_bucket" "photos" {
  bucket = "clinic-photos"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "photos" {
  bucket = aws_s3_bucket.photos.id
  dynamic "rule" {
    for_each = var.algorithms
    iterator = algorithm
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm = algorithm.value
      }
    }
  }
}
'''


def test_dynamic_block_expands_with_its_iterator(tmp_path: Path) -> None:
    failing = _scan(tmp_path / "fail", {"main.tf": DYNAMIC % '\n  default = ["none"]\n'},
                    ("ENC-001",))
    passing = _scan(tmp_path / "pass", {"main.tf": DYNAMIC % '\n  default = ["AES256"]\n'},
                    ("ENC-001",))
    # The finding points at the attribute inside `content` (line 14 once the default is in).
    assert _findings(failing) == [("ENC-001", "fail", "main.tf", 14, "aws_s3_bucket.photos")]
    assert _findings(passing) == [("ENC-001", "pass", "main.tf", 14, "aws_s3_bucket.photos")]


def test_dynamic_block_with_unknown_for_each_is_unknown(tmp_path: Path) -> None:
    result = _scan(tmp_path, {"main.tf": DYNAMIC % ""}, ("ENC-001",))
    assert _findings(result) == [("ENC-001", "unknown", "main.tf", 7, "aws_s3_bucket.photos")]
