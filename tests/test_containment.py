"""One bad value, resource or file never blinds the rest: a crash while parsing a file,
evaluating a resource, following a module call or building a model is an ERROR for
that part alone (at its file and line, naming it), and everything else is judged."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from linter import parsing, pipeline_workers
from linter.adapters import cloudformation as cloudformation_adapters
from linter.adapters import collect_builders
from linter.adapters import kubernetes as kubernetes_adapters
from linter.adapters import terraform as terraform_adapters
from linter.discover import FileProblem
from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, ScanResult, scan
from linter.report import ScanReport
from linter.resolve.terraform import ModuleScope
from linter.resolve.terraform_instances import InstancesMixin
from tests.conftest import REPOSITORY

RULES = load_rules([catalogue_directory("rules")])

KEYS = '''resource "aws_kms_key" "first" {
  enable_key_rotation = false
}

resource "aws_kms_key" "broken" {
  enable_key_rotation = false
}

resource "aws_kms_key" "last" {
  enable_key_rotation = false
}
'''
KEY_MODULE = '''resource "aws_kms_key" "this" {
  enable_key_rotation = false
}
'''


def _scan(tmp_path: Path, files: dict[str, str], rule_ids: tuple[str, ...] = ("KEY-002",),
          workers: int | None = 1) -> ScanResult:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return scan(ScanRequest(paths=[tmp_path], root=tmp_path, workers=workers,
                            rules=[rule for rule in RULES if rule.id in rule_ids]))


def _judged(result: ScanResult) -> list[tuple[str, str, str, int, str]]:
    return sorted((outcome.rule.id, outcome.status.value, outcome.location.path,
                   outcome.location.start_line, outcome.resource.address)
                  for outcome in result.outcomes)


def _problems(result: ScanResult) -> list[tuple[str, int | None, str]]:
    return [(problem.path, problem.line, problem.level) for problem in result.problems]


def _builders_crashing_for(package: str, crashes: Callable[[Any], bool]) -> Callable[[str], Any]:
    """collect_builders as it is, except that every builder of `package` raises
    RuntimeError for the sources `crashes` picks."""
    real = collect_builders(package)

    def crashing(builder: Callable[..., Any]) -> Callable[..., Any]:
        def build(source: Any, *rest: Any) -> Any:
            if crashes(source):
                raise RuntimeError("builder bug")
            return builder(source, *rest)
        return build

    def collect(package_name: str) -> Any:
        assert package_name == package
        return {key: tuple(crashing(builder) for builder in builders)
                for key, builders in real.items()}
    return collect


def test_a_crashing_terraform_builder_is_an_error_for_that_resource_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terraform_adapters, "collect_builders", _builders_crashing_for(
        terraform_adapters.__name__, lambda block: block.name == "broken"))
    result = _scan(tmp_path, {"main.tf": KEYS})
    assert _judged(result) == [("KEY-002", "fail", "main.tf", 2, "aws_kms_key.first"),
                               ("KEY-002", "fail", "main.tf", 10, "aws_kms_key.last")]
    assert _problems(result) == [("main.tf", 5, "error")]
    assert re.fullmatch(r"internal error while building the model of aws_kms_key\.broken "
                        r"\(RuntimeError at linter/adapters/__init__\.py:\d+\); "
                        "not judged", result.problems[0].reason)
    assert ScanReport(result).exit_code == 2


def test_a_crash_evaluating_one_resource_leaves_the_others_judged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = ModuleScope.block_config

    def block_config(self: ModuleScope, mode: str, block_type: str, name: str,
                     instance_key: Any = None) -> Any:
        if name == "broken":
            raise KeyError("evaluator bug")
        return real(self, mode, block_type, name, instance_key)

    monkeypatch.setattr(ModuleScope, "block_config", block_config)
    files = {"main.tf": KEYS + 'module "keys" {\n  source = "./keys"\n}\n',
             "keys/main.tf": KEY_MODULE}
    result = _scan(tmp_path, files)
    assert _judged(result) == [
        ("KEY-002", "fail", "keys/main.tf", 2, "module.keys.aws_kms_key.this"),
        ("KEY-002", "fail", "main.tf", 2, "aws_kms_key.first"),
        ("KEY-002", "fail", "main.tf", 10, "aws_kms_key.last")]
    assert _problems(result) == [("main.tf", 5, "error")]
    assert "internal error while evaluating aws_kms_key.broken (KeyError at " \
           in result.problems[0].reason


def test_a_module_call_that_crashes_does_not_hide_its_siblings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = InstancesMixin._child

    def child(self: InstancesMixin, name: str, instance: Any) -> Any:
        if name == "broken":
            raise TypeError("module bug")
        return real(self, name, instance)

    monkeypatch.setattr(InstancesMixin, "_child", child)
    files = {"main.tf": 'module "good" {\n  source = "./keys"\n}\n\n'
                        'module "broken" {\n  source = "./keys"\n}\n\n'
                        'module "also_good" {\n  source = "./keys"\n}\n',
             "keys/main.tf": KEY_MODULE}
    result = _scan(tmp_path, files)
    assert _judged(result) == [
        ("KEY-002", "fail", "keys/main.tf", 2, "module.also_good.aws_kms_key.this"),
        ("KEY-002", "fail", "keys/main.tf", 2, "module.good.aws_kms_key.this")]
    assert _problems(result) == [("main.tf", 5, "error")]
    assert result.problems[0].reason.startswith(
        "internal error while evaluating module.broken (TypeError at ")


def test_a_crashing_cloudformation_builder_is_an_error_for_that_resource_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cloudformation_adapters, "collect_builders", _builders_crashing_for(
        cloudformation_adapters.__name__, lambda resource: resource.logical_id == "Broken"))
    template = ("Resources:\n"
                "  First:\n    Type: AWS::KMS::Key\n"
                "  Broken:\n    Type: AWS::KMS::Key\n"
                "  Last:\n    Type: AWS::KMS::Key\n")
    result = _scan(tmp_path, {"keys.yaml": template})
    assert _judged(result) == [("KEY-002", "fail", "keys.yaml", 2, "First"),
                               ("KEY-002", "fail", "keys.yaml", 6, "Last")]
    assert _problems(result) == [("keys.yaml", 4, "error")]
    assert result.problems[0].reason.startswith(
        "internal error while building the model of Broken (AWS::KMS::Key) (RuntimeError at ")


def test_a_crash_resolving_one_cloudformation_resource_leaves_the_others_judged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.resolve.cloudformation import TemplateScope

    real = TemplateScope.properties_of

    def properties_of(scope: TemplateScope, logical_id: str) -> Any:
        if logical_id == "Broken":
            raise RuntimeError("intrinsic bug")
        return real(scope, logical_id)

    monkeypatch.setattr(TemplateScope, "properties_of", properties_of)
    template = ("Resources:\n"
                "  First:\n    Type: AWS::KMS::Key\n"
                "  Broken:\n    Type: AWS::KMS::Key\n"
                "  Last:\n    Type: AWS::KMS::Key\n")
    result = _scan(tmp_path, {"keys.yaml": template})
    assert _judged(result) == [("KEY-002", "fail", "keys.yaml", 2, "First"),
                               ("KEY-002", "fail", "keys.yaml", 6, "Last")]
    assert _problems(result) == [("keys.yaml", 4, "error")]
    assert result.problems[0].reason.startswith(
        "internal error while resolving Broken (RuntimeError at ")


def test_a_crashing_kubernetes_builder_is_an_error_for_that_object_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def named_broken(body: Any) -> bool:
        return body.get("metadata").get("name") == "broken"

    monkeypatch.setattr(kubernetes_adapters, "collect_builders", _builders_crashing_for(
        kubernetes_adapters.__name__, named_broken))
    service = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n"
               "  type: LoadBalancer\n  ports:\n    - port: 80\n")
    manifest = "---\n".join(service.format(name=name) for name in ("web", "broken", "api"))
    result = _scan(tmp_path, {"services.yaml": manifest}, ("PLN-012",))
    assert _judged(result) == [("PLN-012", "fail", "services.yaml", 8, "Service/web"),
                               ("PLN-012", "fail", "services.yaml", 26, "Service/api")]
    assert _problems(result) == [("services.yaml", 10, "error")]
    assert "building the model of Service/broken (RuntimeError at " \
           in result.problems[0].reason


def test_a_parser_that_raises_makes_that_file_an_error_and_the_rest_is_scanned(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    real = parsing.parse_text

    def parse_text(text: str, display_path: str, *rest: Any) -> Any:
        if display_path == "broken.tf":
            raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")
        return real(text, display_path, *rest)

    monkeypatch.setattr(parsing, "parse_text", parse_text)
    result = _scan(tmp_path, {"broken.tf": KEY_MODULE, "main.tf": KEY_MODULE})
    assert _judged(result) == [("KEY-002", "fail", "main.tf", 2, "aws_kms_key.this")]
    assert _problems(result) == [("broken.tf", None, "error")]
    assert re.fullmatch(r"internal error while parsing this file \(ValueError at "
                        r"linter/parsing\.py:\d+\); not judged", result.problems[0].reason)


def test_the_exception_message_is_shown_only_when_debugging(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An exception's message can quote a scanned value (int() of a password).
    monkeypatch.setattr(terraform_adapters, "collect_builders", _builders_crashing_for(
        terraform_adapters.__name__, lambda block: block.name == "broken"))
    monkeypatch.setenv("EPHI_LINT_DEBUG", "1")
    result = _scan(tmp_path, {"main.tf": KEYS})
    assert re.fullmatch(r"internal error while building the model of aws_kms_key\.broken "
                        r"\(RuntimeError at linter/adapters/__init__\.py:\d+: "
                        r"builder bug\); not judged", result.problems[0].reason)


# --- worker processes -------------------------------------------------------------------

def _many_keys(count: int) -> dict[str, str]:
    return {f"key{index:02}.tf": KEY_MODULE.replace('"this"', f'"k{index:02}"')
            for index in range(count)}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the test's kill reaches forked workers")
@pytest.mark.parametrize("dies_again", [True, False])
def test_a_killed_parser_worker_costs_at_most_the_file_that_killed_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dies_again: bool) -> None:
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", "off")
    real = parsing.parse_text
    marker = tmp_path.parent / f"{tmp_path.name}-killed-once"

    def parse_text(text: str, display_path: str, *rest: Any) -> Any:
        # As the kernel's OOM killer or a crash in a C extension would end the worker.
        if display_path == "key07.tf" and (dies_again or not marker.exists()):
            marker.touch()
            os._exit(9)
        return real(text, display_path, *rest)

    monkeypatch.setattr(parsing, "parse_text", parse_text)
    files = _many_keys(pipeline_workers.UNIT_MIN_FILES + 6)
    result = _scan(tmp_path, files, workers=2)
    judged = {outcome.location.path for outcome in result.outcomes}
    if dies_again:
        assert judged == set(files) - {"key07.tf"}
        assert result.problems == [FileProblem(
            "key07.tf", "the parser process stopped while reading this file (killed, or out "
                        "of memory); not judged")]
    else:  # killed once, by something else: parsed again, nothing lost
        assert judged == set(files)
        assert result.problems == []
    assert result.files_scanned == len(judged)


# --- the command's last guard -------------------------------------------------------------

def _crashing_cli(tmp_path: Path, debug: bool) -> subprocess.CompletedProcess[str]:
    program = ("import sys\n"
               "import linter.pipeline\n"
               "def scan(*args, **kwargs):\n"
               "    raise RuntimeError('unexpected')\n"
               "linter.pipeline.scan = scan\n"
               "from linter.cli import main\n"
               "sys.argv = ['ephi-lint', 'scan', '.']\n"
               "main()\n")
    (tmp_path / "main.tf").write_text(KEY_MODULE)
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    environment.pop("EPHI_LINT_DEBUG", None)
    if debug:
        environment["EPHI_LINT_DEBUG"] = "1"
    return subprocess.run([sys.executable, "-c", program], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env=environment)


def test_an_unexpected_exception_is_one_line_and_exit_2(tmp_path: Path) -> None:
    completed = _crashing_cli(tmp_path, debug=False)
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert re.fullmatch(r"ephi-lint: internal error: RuntimeError at linter/cli_run\.py:\d+\n",
                        completed.stderr)


def test_the_traceback_is_shown_when_debugging(tmp_path: Path) -> None:
    completed = _crashing_cli(tmp_path, debug=True)
    assert completed.returncode == 2
    assert "Traceback (most recent call last)" in completed.stderr
    assert re.search(r"\nephi-lint: internal error: RuntimeError at linter/cli_run\.py:\d+: "
                     r"unexpected\n$", completed.stderr)
