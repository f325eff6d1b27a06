"""ephi-lint's Terraform evaluator held to tfparse, Terraform's own Go HCL evaluator.

Evaluated by both: every fixture unit (each `.tf` file of fixtures/<RULE>/ alone, each
sub-folder whole, as tests/test_fixtures.py scans them), the examples/ tree, and a probe
module of the expressions and functions real modules use (PROBE below). Every argument
value both sides know must agree; representation differences are normalised in one
place (benchmarks/tfparse_values.normalise). A disagreement that is not fixed is listed
in tests/tfparse_disagreements.yaml with both values, which side is wrong and why; an
unlisted disagreement fails, and so does a listed one that no longer occurs, so the
list stays reviewed. The same comparison runs over public corpora on demand:
benchmarks/tfparse_agreement.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from benchmarks.tfparse_oracle import (
    Disagreement,
    UnitComparison,
    compare_path,
    compare_unit,
    units_of,
)
from benchmarks.tfparse_process import OracleError, TfparseProcess
from benchmarks.tfparse_values import ABSENT, Difference, Tally, compare_values, normalise
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, PartialText, ResourceRef, Unknown

REPOSITORY = Path(__file__).resolve().parents[1]
LISTED = Path(__file__).with_name("tfparse_disagreements.yaml")

PROBE_MAIN = r'''
variable "tags" { default = { Team = "derm", Env = "prod" } }
variable "names" { default = ["b", "a", "c"] }
variable "cidr" { default = "10.20.0.0/16" }
variable "region" {}
variable "config" {
  type = object({
    encrypted = optional(bool, true)
    kms_key   = optional(string)
    retention = optional(number, 7)
  })
  default = {}
}
locals {
  prefix  = "clinic"
  buckets = { for n in var.names : n => "${local.prefix}-${n}" }
  ports   = [for p in [80, 443, 8080] : p if p != 8080]
  nested  = { a = { b = ["x", "y"] }, c = null }
}
resource "aws_s3_bucket" "probe" {
  for_each = local.buckets
  bucket   = each.value
  tags     = merge(var.tags, { Name = each.key })
}
resource "aws_kms_key" "probe" {
  description             = "${upper(local.prefix)} key"
  enable_key_rotation     = var.config.encrypted
  deletion_window_in_days = var.config.retention + 3
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Principal = { AWS = "*" }, Action = "kms:*", Resource = "*",
  Condition = { Bool = { "aws:SecureTransport" = "true" } } }] })
}
resource "aws_security_group" "probe" {
  dynamic "ingress" {
    for_each = local.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      cidr_blocks = [cidrsubnet(var.cidr, 8, ingress.key)]
    }
  }
  dynamic "egress" {
    for_each = { web = 443 }
    iterator = rule
    content {
      description = rule.key
      from_port   = rule.value
    }
  }
}
resource "aws_db_instance" "probe" {
  count             = length(var.names) > 2 ? 2 : 0
  identifier        = "db-${count.index}"
  storage_encrypted = try(var.config.missing, true)
  kms_key_id        = var.config.kms_key
  port              = count.index == 0 ? 5432 : 3306
  multi_az          = !false && (1 < 2 || false)
  tags              = { for k, v in var.tags : lower(k) => upper(v) if k != "Env" }
}
resource "aws_ebs_volume" "probe" {
  availability_zone = "${var.region}a"
  tags              = merge({ Name = "vol-${var.region}" }, var.tags)
}
resource "aws_ssm_parameter" "probe" {
  strings = { lower = lower("ABC"), title = title("hello world"),
    trimprefix = trimprefix("p-x", "p-"),
    trimsuffix = trimsuffix("x.tf", ".tf"), replace = replace("a-b-c", "-", "_"),
    replace_regex = replace("a1b22c", "/[0-9]+/", "#"), join = join("/", ["a", "b"]),
    substr = substr("hello", 1, 3), trimspace = trimspace("  x \n"), chomp = chomp("x\n"),
    indent = indent(2, "a\nb"), strrev = strrev("abc"), tostring = tostring(5),
    if = "${local.prefix}-%{if var.config.encrypted}enc%{else}plain%{endif}",
    for = "%{for n in var.names}${n};%{endfor}", escapes = "$${literal} %%{x}",
    characters = "tab\tquote\"\u00e9", arithmetic = "${1 + 1}", base64 = base64encode("hello"),
    unbase64 = base64decode("aGVsbG8="), md5 = md5("x"), sha1 = sha1("x"), sha256 = sha256("x"),
    urlencode = urlencode("a b&c"), upper = upper("straße"), basename = basename("/a/b/c.txt"),
    dirname = dirname("/a/b/c.txt"), format = format("%s %03d (%.2f) %q %5s|%-5s|",
    upper(local.prefix), 7, 1.5, "x", "r", "l") }
  heredoc = <<-EOT
    line one
      line two
  EOT
  lists = { regex = regex("^(\\w+)-(\\d+)$", "node-42"), regexall = regexall("[a-z]", "a1b2"),
    split = split(",", "a,b,,c"), formatlist = formatlist("%s=%d", ["a", "b"], [1, 2]),
    cidrsubnets = cidrsubnets("10.0.0.0/16", 4, 8), keys = keys(var.tags),
    values = values(var.tags),
    concat = concat(var.names, ["d"]), flatten = flatten([["a"], ["b", ["c"]]]),
    distinct = distinct(["a", "b", "a"]), sort = sort(var.names), reverse = reverse(var.names),
    slice = slice(var.names, 1, 3), coalescelist = coalescelist([], ["y"]),
    compact = compact(["a", "", "b"]), tolist = tolist(toset(["z", "y"])), range = range(1, 7, 2),
    chunklist = chunklist(["a", "b", "c"], 2), matchkeys = matchkeys(["a", "b"], ["x", "y"], ["y"]),
    splat = var.names[*], attribute_splat = [{ n = 1 }, { n = 2 }][*].n,
    for_index = [for i, n in var.names : "${i}:${n}"],
    for_map = [for k, v in var.tags : "${k}=${v}"] }
  numbers = { divide = 7 / 2, modulo = 7 % 3, precedence = 2 * 3 + 4, negative = -5 + 2,
    decimal = 0.1 + 0.2, min = min(3, 1, 2), max = max(3, 1, 2), abs = abs(-4), ceil = ceil(1.2),
    floor = floor(1.8), pow = pow(2, 10), parseint = parseint("ff", 16), tonumber = tonumber("12"),
    signum = signum(-3), sum = sum([1, 2, 3.5]), length = length("héllo"), exponent = 1e3,
    left_to_right = 10 / 4 * 2, log = log(8, 2), index = index(var.names, "a"),
    length_map = length(local.buckets), length_tuple = length([{}, {}]) }
  others = { cidrhost = cidrhost("10.0.0.0/24", 5), cidrnetmask = cidrnetmask("10.0.0.0/12"),
    lookup = lookup(var.tags, "Team", "none"), lookup_default = lookup(var.tags, "Missing", "none"),
    element = element(var.names, 4), coalesce = coalesce("", "x"), one = one(["only"]),
    nested = local.nested.a.b[1], try = try(local.nested.a.b[5], "fallback"),
    greater = 5 > 3, equal = 5 == 5.0, not_equal = "a" != "b", startswith = startswith("abc", "ab"),
    endswith = endswith("abc", "bc"), contains = contains(var.names, "c"),
    alltrue = alltrue([true, 1 == 1]), anytrue = anytrue([false, false]),
    can = can(local.nested.missing) }
  # tfparse writes a set inside an object as null: sets are arguments of their own.
  toset           = toset(["b", "a", "b"])
  setunion        = setunion(["a"], ["b", "a"])
  setintersection = setintersection(["a", "b"], ["b"])
  setsubtract     = setsubtract(["a", "b"], ["a"])
  maps = { zipmap = zipmap(["x", "y"], [1, 2]), tomap = tomap({ a = "1" }),
    transpose = transpose({ a = ["1", "2"], b = ["2"] }),
    jsondecode = jsondecode("{\"a\": [1, true, null]}"),
    merge = merge({ a = 1 }, { a = 2, b = 3 }) }
}
module "child" {
  source       = "./child"
  not_nullable = null
  settings     = { enabled = true }
  rules        = [{ port = 443 }]
}
'''

PROBE_CHILD = '''
variable "not_nullable" {
  type     = string
  default  = "default-used"
  nullable = false
}
variable "settings" {
  type = object({ enabled = bool, mode = optional(string, "strict") })
}
variable "rules" {
  type    = list(object({ port = number }))
  default = []
}
resource "aws_sqs_queue" "child" {
  name                    = var.not_nullable
  kms_master_key_id       = var.settings.mode
  sqs_managed_sse_enabled = var.settings.enabled
}
resource "aws_security_group" "child" {
  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port = ingress.value.port
    }
  }
}
'''


@pytest.fixture(scope="module")
def comparisons(tmp_path_factory: pytest.TempPathFactory) -> list[UnitComparison]:
    scratch = tmp_path_factory.mktemp("tfparse-scratch")
    probe_root = tmp_path_factory.mktemp("tfparse-probe")
    (probe_root / "probe" / "child").mkdir(parents=True)
    (probe_root / "probe" / "main.tf").write_text(PROBE_MAIN, encoding="utf-8")
    (probe_root / "probe" / "child" / "main.tf").write_text(PROBE_CHILD, encoding="utf-8")
    (probe_root / "probe" / "terraform.tfvars").write_text('region = "eu-west-1"\n')
    units = [unit for directory in sorted((REPOSITORY / "fixtures").iterdir())
             if directory.is_dir() for unit in units_of(directory)]
    results = []
    with TfparseProcess(timeout=60) as tfparse:
        for unit in [*units, REPOSITORY / "examples"]:
            results += compare_path(unit, REPOSITORY, scratch, tfparse)
        results += compare_path(probe_root / "probe", probe_root, scratch, tfparse)
    return results


def _key(entry: dict) -> tuple[str, str, str, str, str]:
    return (entry["unit"], entry["resource"], entry["attribute"],
            json.dumps(entry["ephi_lint"], sort_keys=True),
            json.dumps(entry["tfparse"], sort_keys=True))


def _as_entry(disagreement: Disagreement) -> dict:
    return {"unit": disagreement.unit, "resource": disagreement.resource,
            "attribute": disagreement.attribute, "ephi_lint": disagreement.ephi_lint,
            "tfparse": disagreement.tfparse}


def test_every_unit_is_evaluated_by_both(comparisons: list[UnitComparison]) -> None:
    problems = [f"{item.unit}: {problem}" for item in comparisons for problem in item.problems]
    assert problems == []


def test_resources_are_matched_instance_by_instance_through_module_calls(
        comparisons: list[UnitComparison]) -> None:
    by_unit = {item.unit: item for item in comparisons}
    assert by_unit["fixtures/ENC-001/fail-module"].resources == [
        "module.photos.aws_s3_bucket.this",
        "module.photos.aws_s3_bucket_server_side_encryption_configuration.this[0]",
        "module.exports.aws_s3_bucket.this"]
    assert sorted(by_unit["probe"].resources) == [
        'aws_db_instance.probe[0]', 'aws_db_instance.probe[1]', 'aws_ebs_volume.probe',
        'aws_kms_key.probe', 'aws_s3_bucket.probe["a"]', 'aws_s3_bucket.probe["b"]',
        'aws_s3_bucket.probe["c"]', 'aws_security_group.probe', 'aws_ssm_parameter.probe',
        'module.child.aws_security_group.child', 'module.child.aws_sqs_queue.child']


def test_the_probe_compares_what_both_evaluate(comparisons: list[UnitComparison]) -> None:
    """Not vacuous: values of every kind reach the comparison; those tfparse cannot know
    (a null argument for a variable that is not nullable) do not."""
    compared = set(next(item for item in comparisons if item.unit == "probe").compared)
    assert {
        "aws_kms_key.probe enable_key_rotation",  # optional() attribute default
        "aws_kms_key.probe deletion_window_in_days",
        "aws_kms_key.probe policy",  # jsonencode
        "module.child.aws_sqs_queue.child kms_master_key_id",  # default through a call
        'aws_s3_bucket.probe["b"] tags.Name',  # each.key in merge()
        "aws_security_group.probe ingress[1].cidr_blocks[0]",  # dynamic, cidrsubnet
        "aws_security_group.probe egress[0].description",  # iterator = rule
        "module.child.aws_security_group.child ingress[0].from_port",
        "aws_db_instance.probe[1] port", "aws_db_instance.probe[0] tags.team",
        "aws_ebs_volume.probe availability_zone",  # var.region from terraform.tfvars
        "aws_ebs_volume.probe tags.Name", "aws_ebs_volume.probe tags.Team",
        "aws_ssm_parameter.probe strings.format", "aws_ssm_parameter.probe strings.for",
        "aws_ssm_parameter.probe heredoc", "aws_ssm_parameter.probe numbers.decimal",
        "aws_ssm_parameter.probe toset[0]", "aws_ssm_parameter.probe lists.chunklist[1][0]",
    "aws_ssm_parameter.probe others.try",
        "aws_ssm_parameter.probe maps.transpose.2[1]",
    } <= compared
    assert "module.child.aws_sqs_queue.child name" not in compared


def test_values_agree_or_the_disagreement_is_listed(comparisons: list[UnitComparison]) -> None:
    listed = {_key(entry): entry for entry in yaml.safe_load(LISTED.read_text())["disagreements"]}
    found = {_key(_as_entry(entry)): entry for item in comparisons
             for entry in item.disagreements}
    unlisted = [found[key] for key in sorted(set(found) - set(listed))]
    stale = [listed[key] for key in sorted(set(listed) - set(found))]
    message = ""
    if unlisted:
        entries = [{**_as_entry(entry), "line": f"{entry.path}:{entry.line}",
                    "wrong": "ephi-lint or tfparse?", "why": "?"} for entry in unlisted]
        message += ("Disagreements with tfparse: fix the evaluator, or list them in "
                    f"{LISTED.name} saying which side is wrong and why:\n"
                    + yaml.safe_dump(entries, sort_keys=False, allow_unicode=True))
    if stale:
        message += (f"\nListed in {LISTED.name} but no longer found (remove them):\n"
                    + yaml.safe_dump(stale, sort_keys=False, allow_unicode=True))
    assert not unlisted and not stale, message


def test_listed_disagreements_say_which_side_is_wrong_and_why() -> None:
    entries = yaml.safe_load(LISTED.read_text())["disagreements"]
    for entry in entries:
        assert entry["wrong"] in ("ephi-lint", "tfparse"), entry
        assert len(entry["why"]) > 20, entry
    assert len({_key(entry) for entry in entries}) == len(entries)


# --- the comparison itself ----------------------------------------------------------------

def _node(line: int = 1, **values: object) -> ConfigNode:
    node = ConfigNode(line)
    for offset, (key, value) in enumerate(values.items()):
        node.set(key, value, line + offset)
    return node


def _compare(ours: object, theirs: object) -> Tally:
    tally = Tally()
    compare_values(ours, theirs, "", 1, tally)
    return tally


def test_a_different_leaf_is_reported_with_its_path_line_and_both_values() -> None:
    rule = _node(4, apply_server_side_encryption_by_default=[_node(5, sse_algorithm="aws:kms")])
    ours = _node(1, bucket="photos", rule=[rule])
    theirs = {"__tfmeta": {"path": "aws_x.y"}, "id": "5b1c62a4-1cc1-4a6b-a2c4-6c5d9f1b0a11",
              "bucket": "photos",
              "rule": {"__tfmeta": {}, "apply_server_side_encryption_by_default": {
                  "__tfmeta": {}, "sse_algorithm": "AES256"}}}
    tally = _compare(ours, theirs)
    assert tally.differences == [Difference(
        "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm",
        "aws:kms", "AES256", 5)]
    assert tally.compared == ["bucket",
                              "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm"]


def test_numbers_and_primitive_conversions_are_not_disagreements() -> None:
    tally = _compare(_node(a=1, b=True, c="5", d=2.5, e=None, f=[]),
                     {"a": 1.0, "b": "true", "c": 5, "d": 2.5, "e": None, "f": []})
    assert tally.differences == []
    assert tally.compared == ["a", "b", "c", "d", "f"]  # tfparse's null may be unknown


def test_unknowns_and_references_on_either_side_are_not_compared() -> None:
    ours = _node(a=Unknown("var.x has no value"), b=ResourceRef("aws_kms_key", "k", "arn"),
                 c=PartialText("interpolates", "arn:${x}"), d="known", e="kept")
    theirs = {"a": "x", "b": "5b1c62a4-1cc1-4a6b-a2c4-6c5d9f1b0a11", "c": "arn:x",
              "d": {"__attribute__": "var.d", "__name__": "d"},
              "e": "arn:aws:kms:5b1c62a4-1cc1-4a6b-a2c4-6c5d9f1b0a11"}
    tally = _compare(ours, theirs)
    assert (tally.compared, tally.differences) == ([], [])


def test_an_argument_only_one_side_knows_is_a_disagreement() -> None:
    tally = _compare(_node(tags=_node(Team="derm", Env=Unknown("no value"))),
                     {"tags": {"Name": "x"}})
    assert tally.differences == [Difference("tags.Name", ABSENT, "x", 1),
                                 Difference("tags.Team", "derm", ABSENT, 1)]


def test_normalise_reads_a_block_written_once_as_a_list_of_one() -> None:
    shape = normalise({"__tfmeta": {}, "versioning": {"__tfmeta": {}, "enabled": True}},
                      "tfparse")
    assert shape.kind == "map"
    assert shape.children["versioning"] == [{"__tfmeta": {}, "enabled": True}]
    assert "__tfmeta" not in shape.children


def test_a_tfparse_crash_or_hang_is_reported_and_the_next_directory_still_loads(
        tmp_path: Path) -> None:
    """tfparse 0.6.22 panics on a tuple whose first element is a string and a later one a
    set; in-process, the Go panic aborted the whole test session."""
    crashing, plain = tmp_path / "crashing", tmp_path / "plain"
    crashing.mkdir()
    plain.mkdir()
    (crashing / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  x = ["a", toset(["b"])]\n}\n')
    (plain / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "photos"\n}\n')
    with TfparseProcess(timeout=60) as tfparse:
        with pytest.raises(OracleError, match=r"tfparse crashed \(panic: not a string\)"):
            tfparse.load(crashing, [])
        assert tfparse.load(plain, [])["aws_s3_bucket"][0]["bucket"] == "photos"
    with TfparseProcess(timeout=0.001) as tfparse:
        with pytest.raises(OracleError, match="did not finish within 0.001 s"):
            tfparse.load(plain, [])


def _resolved(address_key: object, **arguments: object) -> ResolvedBlock:
    return ResolvedBlock("resource", "aws_vpc_security_group_ingress_rule", "this", "m/main.tf",
                         3, 9, _node(4, **arguments), "m", "", address_key, "m")


def _loaded(address: str, **arguments: object) -> dict:
    meta = {"path": address, "type": "resource", "filename": "main.tf", "line_start": 3}
    return {"__tfmeta": meta, **arguments}


def test_an_instance_only_one_side_has_is_a_disagreement() -> None:
    comparison = UnitComparison("m")
    compare_unit(comparison, "m", [_resolved("a", from_port=443), _resolved("b", from_port=22)],
                 {"aws_vpc_security_group_ingress_rule": [
                     _loaded('aws_vpc_security_group_ingress_rule.this["a"]', from_port=443)]})
    assert comparison.resources == ['aws_vpc_security_group_ingress_rule.this["a"]']
    assert comparison.disagreements == [Disagreement(
        "m", 'aws_vpc_security_group_ingress_rule.this["b"]', "(instance)", "declared", ABSENT,
        "m/main.tf", 3)]


def test_a_block_tfparse_leaves_unexpanded_is_skipped_not_a_disagreement() -> None:
    """tfparse keeps a block whose for_each it cannot evaluate as one instance without a
    key; that is not an instance ephi-lint lacks (it was two disagreements)."""
    comparison = UnitComparison("m")
    compare_unit(comparison, "m", [_resolved("all_self_efa", from_port=443)],
                 {"aws_vpc_security_group_ingress_rule": [_loaded(
                     "aws_vpc_security_group_ingress_rule.this", for_each=None, from_port=None)]})
    assert (comparison.resources, comparison.skipped, comparison.disagreements) == ([], 2, [])
