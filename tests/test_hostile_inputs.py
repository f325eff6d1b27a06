"""Bad input is reported with its path and reason, and every other file is still scanned.

The committed files under tests/hostile/ are the hostile inputs; symlink loops and an
oversized file are made in a temporary folder, since git checkouts and test collectors
should not walk them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPOSITORY, run_cli

HOSTILE = REPOSITORY / "tests" / "hostile"
SECRET = "Sup3rS3cretPHIpassw0rd"

EXPECTED_PROBLEMS = {
    "alias-bomb.yaml": "alias expansion far exceeds the document's size",
    "binary.tf": "binary file (contains NUL bytes)",
    "deep-nesting.json": "nesting deeper than 200 levels (line 1)",
    "deep-nesting.yaml": "nesting deeper than 200 levels (line 3)",
    "latin1.yaml": "not UTF-8 text (invalid byte at offset 69)",
    "malformed-cfn.json": "invalid JSON: line 2, column 1: did not find expected ',' or '}'",
    "malformed-cfn.yaml": "invalid YAML: line 5, column 4: did not find expected key",
    "malformed.tf": "invalid HCL at line 4, column 1: unexpected end of file",
    "secret-in-broken.tf": "invalid HCL at line 2, column 39: unexpected DBLQUOTE token",
    "symlink-loop.tf": "symlink loop",
    "huge.yaml": "over the 0.1 MiB limit (--max-file-size)",
}


@pytest.fixture()
def hostile_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "repo"
    shutil.copytree(HOSTILE, tree)
    (tree / "symlink-loop.tf").symlink_to("symlink-loop.tf")
    (tree / "nested").mkdir()
    (tree / "nested" / "back-to-root").symlink_to(tree, target_is_directory=True)
    (tree / "huge.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n" + "# pad\n" * 30000)
    return tree


def test_every_hostile_file_is_reported_and_the_rest_is_scanned(hostile_tree: Path) -> None:
    completed = run_cli("scan", ".", "--format", "json", "--max-file-size", "0.1",
                        cwd=hostile_tree)
    assert completed.returncode == 2, completed.stderr
    report = json.loads(completed.stdout)
    problems = {item["file"]: item for item in report["problems"]}
    for name, reason in EXPECTED_PROBLEMS.items():
        assert name in problems, f"{name} not reported; got {sorted(problems)}"
        assert reason in problems[name]["reason"]
        assert problems[name]["level"] == "error"
    loop = problems["nested/back-to-root"]
    assert loop["level"] == "warning" and "symlink loop" in loop["reason"]
    # The good files beside the hostile ones were scanned in full.
    findings = {(item["rule"], item["file"], item["line"]) for item in report["findings"]}
    assert ("ENC-001", "good.tf", 2) in findings
    assert ("PLN-005", "secret-in-good.tf", 6) in findings


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit", "github",
                                           "markdown"])
def test_no_secret_value_reaches_any_output(hostile_tree: Path, output_format: str) -> None:
    completed = run_cli("scan", ".", "--format", output_format, cwd=hostile_tree)
    assert completed.returncode == 2
    assert SECRET not in completed.stdout
    assert SECRET not in completed.stderr


def test_deep_flow_nesting_is_refused_before_the_c_parser_sees_it(tmp_path: Path) -> None:
    # libyaml's C composer recursed past the C stack on deep flow nesting; the depth
    # guard must run before it, for YAML and JSON alike.
    (tmp_path / "deep.yaml").write_text("AWSTemplateFormatVersion: x\nResources: "
                                        + "[" * 200000 + "]" * 200000 + "\n")
    (tmp_path / "good.tf").write_text('resource "aws_kms_key" "k" {}\n')
    completed = run_cli("scan", ".", "--format", "json", cwd=tmp_path)
    assert completed.returncode == 2
    report = json.loads(completed.stdout)
    assert {(item["rule"], item["line"]) for item in report["findings"]} == {("KEY-002", 1)}
    assert [item["file"] for item in report["problems"]] == ["deep.yaml"]



BROKEN_TEMPLATE_WITH_DYNAMIC_REFERENCE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Records:
    Type: AWS::RDS::DBInstance
    Properties:
      MasterUserPassword: '{{resolve:secretsmanager:ehr-db:SecretString:password}}'
      StorageEncrypted: false
    Metadata: [
"""
HELM_TEMPLATE = """apiVersion: v1
kind: Service
metadata:
  name: {{ include "portal.fullname" . }}
spec:
  type: {{ .Values.service.type }}
  ports:
{{- range .Values.service.ports }}
    - port: {{ .port }}
{{- end }}
"""


def test_a_broken_template_with_a_dynamic_reference_is_an_error_not_a_helm_warning(
        tmp_path: Path) -> None:
    # `{{resolve:...}}` made any YAML syntax error a "Helm template" warning: exit 0.
    (tmp_path / "database.yaml").write_text(BROKEN_TEMPLATE_WITH_DYNAMIC_REFERENCE)
    (tmp_path / "good.tf").write_text('resource "aws_kms_key" "k" {}\n')
    completed = run_cli("scan", ".", "--format", "json", cwd=tmp_path)
    assert completed.returncode == 2
    assert json.loads(completed.stdout)["problems"] == [{
        "file": "database.yaml", "level": "error",
        "reason": "invalid YAML: line 9, column 1: did not find expected node content"}]


def test_a_helm_chart_template_is_a_warning_to_render_it(tmp_path: Path) -> None:
    chart = tmp_path / "charts" / "portal"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: portal\nversion: 1.0.0\n")
    (chart / "templates" / "service.yaml").write_text(HELM_TEMPLATE)
    # Outside a chart, template actions standing for whole lines or values still count.
    (tmp_path / "loose.yaml").write_text(HELM_TEMPLATE)
    (tmp_path / "good.tf").write_text('resource "aws_kms_key" "k" {\n  enable_key_rotation '
                                      "= true\n}\n")
    completed = run_cli("scan", ".", "--format", "json", "--include-rule", "KEY-002",
                        cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout
    report = json.loads(completed.stdout)
    assert [(problem["file"], problem["level"]) for problem in report["problems"]] == [
        ("charts/portal/templates/service.yaml", "warning"), ("loose.yaml", "warning")]
    assert report["problems"][0]["reason"].startswith("looks like a Helm or Go template")


def test_go_template_actions_are_told_apart_from_yaml_that_only_mentions_braces() -> None:
    from linter.discover import looks_like_go_template

    assert looks_like_go_template("type: {{ .Values.service.type }}\n")
    assert looks_like_go_template("{{- if .Values.enabled }}\nkind: Pod\n{{- end }}\n")
    assert looks_like_go_template("  - {{ include \"x\" . }}\n")
    assert not looks_like_go_template("Password: '{{resolve:secretsmanager:db}}'\n")
    assert not looks_like_go_template("Password: {{resolve:secretsmanager:db}}\n")
    assert not looks_like_go_template('name: "{{ .Values.name }}"\n')  # quoted: plain YAML
    assert not looks_like_go_template("run: echo ${{ secrets.TOKEN }}\n")  # GitHub Actions
    assert not looks_like_go_template("# {{ .Values.name }}\nkind: Pod\n")  # a comment
    assert not looks_like_go_template("name: web-{{ .Values.suffix }}\n")  # mid-value
    assert looks_like_go_template("name: web-{{ .Values.suffix }}\n", in_chart=True)


def test_resources_cloudformation_rejects_are_errors_at_their_lines(tmp_path: Path) -> None:
    # Skipped quietly before: the template "passed" with those resources never judged.
    (tmp_path / "stack.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
        "  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      EnableKeyRotation: true\n"
        "  Untyped:\n    Properties:\n      StorageEncrypted: false\n")
    completed = run_cli("scan", ".", "--format", "json", "--include-rule", "KEY-002",
                        cwd=tmp_path)
    assert completed.returncode == 2
    report = json.loads(completed.stdout)
    assert report["problems"] == [{"file": "stack.yaml", "level": "error", "line": 7,
                                   "reason": "resource Untyped has no Type"}]
    assert report["summary"]["passed"] == 1  # the valid resource is still judged
