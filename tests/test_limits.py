"""Limits: no configuration makes a scan hang or run out of memory. `count = 100000000`
(11 GB before), modules calling themselves (4.6 GB), deep nesting and wide fan-out end
in UNKNOWN values or errors that name the limit; numbers too large to print become
Unknown before a rule quotes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, ScanResult, scan
from linter.report import ScanReport
from linter.resolve import terraform_instances
from linter.resolve.terraform_modules import MAX_INSTANCES, UNKNOWN_KEY, expand
from linter.values import Branches, ConfigNode, Unknown, bound_numbers
from tests.conftest import run_cli

RULES = load_rules([catalogue_directory("rules")])
KEY = 'resource "aws_kms_key" "this" {\n  enable_key_rotation = false\n}\n'


def _scan(tmp_path: Path, files: dict[str, str], rule_ids: tuple[str, ...] = ("KEY-002",),
          paths: list[str] | None = None) -> ScanResult:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    targets = [tmp_path / item for item in paths] if paths else [tmp_path]
    return scan(ScanRequest(paths=targets, root=tmp_path, workers=1,
                            rules=[rule for rule in RULES if rule.id in rule_ids]))


def _judged(result: ScanResult) -> list[tuple[str, str, str, int, str]]:
    return sorted((outcome.rule.id, outcome.status.value, outcome.location.path,
                   outcome.location.start_line, outcome.resource.address)
                  for outcome in result.outcomes)


def _problems(result: ScanResult) -> list[tuple[str, int | None, str, str]]:
    return [(problem.path, problem.line, problem.level, problem.reason)
            for problem in result.problems]


# --- instances per resource or module call ---------------------------------------------

def test_a_hundred_million_count_is_one_unknown_instance(tmp_path: Path) -> None:
    files = {"main.tf": 'resource "aws_ebs_volume" "scratch" {\n  count = 100000000\n'
                        '  availability_zone = "us-east-1a"\n'
                        "  encrypted = count.index\n}\n"}
    result = _scan(tmp_path, files, ("ENC-002",))
    assert _judged(result) == [("ENC-002", "unknown", "main.tf", 4, "aws_ebs_volume.scratch[*]")]
    assert result.outcomes[0].message.endswith(
        "`encrypted` is not known (count of aws_ebs_volume.scratch is 100,000,000, over the "
        "limit of 10,000 instances judged one by one; one instance [*] stands for all of "
        "them)")
    assert result.problems == []


def test_count_past_the_limit_names_the_limit_in_count_index() -> None:
    instances = expand(100_000_000, None, True, False, "aws_ebs_volume.scratch")
    assert [instance.key for instance in instances] == [UNKNOWN_KEY]
    assert instances[0].bindings["count"] == Unknown(
        "count of aws_ebs_volume.scratch is 100,000,000, over the limit of 10,000 instances "
        "judged one by one; one instance [*] stands for all of them")
    assert len(expand(MAX_INSTANCES, None, True, False, "x")) == MAX_INSTANCES


def test_for_each_past_the_limit_is_one_unknown_instance() -> None:
    keys = [f"k{index}" for index in range(MAX_INSTANCES + 1)]
    instances = expand(None, keys, False, True, "module.tenant")
    assert [instance.key for instance in instances] == [UNKNOWN_KEY]
    assert instances[0].bindings["each"] == Unknown(
        "for_each of module.tenant has 10,001 elements, over the limit of 10,000 instances "
        "judged one by one; one instance [*] stands for all of them")


def test_an_unprintable_count_is_still_judged_as_one_instance() -> None:
    huge = 10 ** 5000  # more digits than Python turns into text
    instances = expand(huge, None, True, False, "aws_s3_bucket.b")
    assert instances[0].bindings["count"].reason.startswith(
        "count of aws_s3_bucket.b is larger than 2^64, over the limit")


# --- module cycles, depth and fan-out --------------------------------------------------

def test_modules_calling_their_own_directory_are_errors_not_a_blow_up(tmp_path: Path) -> None:
    # Three calls of "./" per level grew to 4.6 GB: each is a cycle, refused at once.
    calls = "".join(f'module "copy{index}" {{\n  source = "./"\n}}\n' for index in range(3))
    result = _scan(tmp_path, {"main.tf": KEY + calls})
    assert _judged(result) == [("KEY-002", "fail", "main.tf", 2, "aws_kms_key.this")]
    assert _problems(result) == [
        ("main.tf", line, "error",
         f'module "copy{index}" (source "./") calls ., which is already a module of this '
         f"call path (module.copy{index}: . -> .): a module cycle, which Terraform rejects; "
         "not evaluated")
        for index, line in ((0, 4), (1, 7), (2, 10))]
    assert ScanReport(result).exit_code == 2


def test_a_cycle_through_another_module_names_the_call_path(tmp_path: Path) -> None:
    files = {"main.tf": 'module "a" {\n  source = "./a"\n}\n',
             "a/main.tf": KEY + 'module "b" {\n  source = "../b"\n}\n',
             "b/main.tf": 'module "back" {\n  source = "../a"\n}\n'}
    result = _scan(tmp_path, files)
    assert _judged(result) == [("KEY-002", "fail", "a/main.tf", 2, "module.a.aws_kms_key.this")]
    assert _problems(result) == [(
        "b/main.tf", 1, "error",
        'module "back" (source "../a") calls a, which is already a module of this call path '
        "(module.a.module.b.module.back: . -> a -> b -> a): a module cycle, which Terraform "
        "rejects; not evaluated")]


def test_module_nesting_past_the_depth_limit_is_an_error(tmp_path: Path) -> None:
    files = {"main.tf": 'module "m" {\n  source = "./m1"\n}\n'}
    for depth in range(1, 23):
        files[f"m{depth}/main.tf"] = KEY + f'module "m" {{\n  source = "../m{depth + 1}"\n}}\n'
    result = _scan(tmp_path, files)
    depths = sorted(outcome.resource.address.count("module.") for outcome in result.outcomes)
    assert depths == list(range(1, 21))  # modules 1..20 deep are judged
    assert _problems(result) == [(
        "m20/main.tf", 4, "error",
        'module "m" is nested 21 deep, over the limit of 20 (call path '
        + ".".join(["module.m"] * 21) + "); not evaluated")]


def test_module_fan_out_past_the_limit_is_one_error(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terraform_instances, "MAX_MODULE_INSTANCES", 5)
    files = {"main.tf": 'module "tenant" {\n  count  = 3\n  source = "./tenant"\n}\n',
             "tenant/main.tf": 'module "key" {\n  count  = 2\n  source = "../key"\n}\n',
             "key/main.tf": KEY}
    result = _scan(tmp_path, files, paths=["main.tf"])
    # 3 tenants + 6 keys = 9 module instances, depth first; the first 5 are evaluated:
    # tenant[0], its two keys, tenant[1] and its first key.
    assert _judged(result) == [
        ("KEY-002", "fail", "key/main.tf", 2, f"module.tenant[{tenant}].module.key[{key}]."
                                              "aws_kms_key.this")
        for tenant, key in ((0, 0), (0, 1), (1, 0))]
    assert _problems(result) == [(
        "tenant/main.tf", 1, "error",
        "root module . calls more than 5 module instances (calls x count/for_each x nesting): "
        "module.tenant[1].module.key[1] and every instance after it are not evaluated")]


def test_resource_instances_past_the_root_budget_are_one_unknown_instance(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terraform_instances, "MAX_RESOURCE_INSTANCES", 4)
    files = {"main.tf": 'resource "aws_kms_key" "a" {\n  count = 3\n'
                        "  enable_key_rotation = count.index > 5\n}\n"
                        'resource "aws_kms_key" "b" {\n  count = 3\n'
                        "  enable_key_rotation = count.index\n}\n"}
    result = _scan(tmp_path, files)
    assert _judged(result) == [
        ("KEY-002", "fail", "main.tf", 3, "aws_kms_key.a[0]"),
        ("KEY-002", "fail", "main.tf", 3, "aws_kms_key.a[1]"),
        ("KEY-002", "fail", "main.tf", 3, "aws_kms_key.a[2]"),
        ("KEY-002", "unknown", "main.tf", 7, "aws_kms_key.b[*]")]
    unknown = next(outcome for outcome in result.outcomes if outcome.resource.address.endswith(
        "[*]"))
    assert unknown.message.endswith(
        "`enable_key_rotation` is not known (aws_kms_key.b has 3 instances, past the limit of "
        "4 resource instances judged one by one for root module .; one instance [*] stands "
        "for all of them)")


# --- numbers too large to print --------------------------------------------------------

def test_numbers_too_large_to_print_become_unknown() -> None:
    node = ConfigNode(1)
    inner = ConfigNode(2)
    inner.set("port", 10 ** 5000, 3)
    node.set("ports", [inner, 443], 2)
    node.set("choice", Branches((10 ** 400, 80), ("true branch", "false branch")), 4)
    node.set("flag", True, 5)
    bound_numbers(node)
    assert isinstance(inner.get("port"), Unknown)
    assert node.get("ports")[1] == 443
    assert isinstance(node.get("choice").options[0], Unknown)
    assert node.get("choice").options[1] == 80
    assert node.get("flag") is True


HUGE_PRODUCT = " * ".join(["99999999999999999999"] * 17)  # 340 digits, 1,130 bits


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit", "github",
                                           "markdown"])
def test_a_number_too_large_for_any_setting_is_unknown_in_every_output(
        tmp_path: Path, output_format: str) -> None:
    (tmp_path / "main.tf").write_text(
        f'resource "aws_kms_key" "k" {{\n  enable_key_rotation = {HUGE_PRODUCT}\n}}\n')
    completed = run_cli("scan", ".", "--include-rule", "KEY-002", "--fail-on-unknown",
                        "-f", output_format, cwd=tmp_path)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "a number of more than 1024 bits, larger than any setting" in completed.stdout
    assert "9" * 100 not in completed.stdout


def test_a_literal_python_cannot_convert_never_blinds_the_other_files(tmp_path: Path) -> None:
    # A 5,000-digit literal raised ValueError in the HCL parser and aborted the scan
    # with a traceback and exit 1.
    (tmp_path / "big.tf").write_text(
        'resource "aws_kms_key" "big" {\n  deletion_window_in_days = ' + "9" * 5000 + "\n}\n")
    (tmp_path / "good.tf").write_text(KEY)
    completed = run_cli("scan", ".", "--include-rule", "KEY-002", "-f", "json", cwd=tmp_path)
    assert "Traceback" not in completed.stderr
    report = json.loads(completed.stdout)
    assert [(finding["file"], finding["line"]) for finding in report["findings"]][-1] == (
        "good.tf", 2)
    # The parser reads such a literal as a value it does not evaluate: the file is judged.
    assert report["problems"] == []
    assert [(finding["rule"], finding["file"], finding["line"])
            for finding in report["findings"]] == [("KEY-002", "big.tf", 1),
                                                   ("KEY-002", "good.tf", 2)]
