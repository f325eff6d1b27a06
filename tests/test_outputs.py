"""CI outputs: several in one run, JUnit, GitHub workflow commands, Markdown summary, and
SARIF's cut at GitHub's 25,000 results per run."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan
from linter.report import ScanReport, sarif
from linter.report.github import command
from linter.report.outputs import OutputTarget, parse_targets, use_colour
from linter.report.text import summary
from tests.conftest import run_cli

STACK = ('resource "aws_kms_key" "phi" {\n  enable_key_rotation = false\n}\n\n'
         'resource "aws_kms_key" "ok" {\n  enable_key_rotation = true\n}\n\n'
         'resource "aws_ebs_volume" "scratch" {\n  availability_zone = "us-east-1a"\n'
         "  size = 10\n  encrypted = false\n}\n")
RULES = ("--include-rule", "KEY-002", "--include-rule", "ENC-002")


@pytest.fixture()
def stack(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text(STACK)
    return tmp_path


def test_several_outputs_in_one_run(stack: Path) -> None:
    completed = run_cli("scan", ".", *RULES, "-o", "sarif=out.sarif", "-o", "junit=out.xml",
                        "-o", "json=out.json", "-o", "text", "--no-color", cwd=stack)
    assert completed.returncode == 1
    assert completed.stdout.splitlines()[0] == "main.tf"
    assert completed.stdout.splitlines()[-1].startswith("2 failed, 0 unknown, 1 passed:")
    results = json.loads((stack / "out.sarif").read_text())["runs"][0]["results"]
    assert {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in results} == {("KEY-002", 2), ("ENC-002", 12)}
    findings = json.loads((stack / "out.json").read_text())["findings"]
    assert {(f["rule"], f["line"], f["resource"]) for f in findings} == {
        ("KEY-002", 2, "aws_kms_key.phi"), ("ENC-002", 12, "aws_ebs_volume.scratch")}
    assert (stack / "out.xml").read_text().startswith('<?xml version="1.0"')


def test_only_one_output_on_stdout(stack: Path) -> None:
    completed = run_cli("scan", ".", "-o", "text", "-o", "json", cwd=stack)
    assert completed.returncode == 2
    assert "only one --output can go to standard output" in completed.stderr


def test_junit_one_testcase_per_rule_and_resource(stack: Path) -> None:
    completed = run_cli("scan", ".", *RULES, "-f", "junit", cwd=stack)
    assert completed.returncode == 1
    suites = ElementTree.fromstring(completed.stdout)
    assert (suites.get("tests"), suites.get("failures"), suites.get("errors")) == ("3", "2", "0")
    cases = {(case.get("classname"), case.get("name")): case for case in suites.iter("testcase")}
    assert set(cases) == {("KEY-002", "aws_kms_key.phi"), ("KEY-002", "aws_kms_key.ok"),
                          ("ENC-002", "aws_ebs_volume.scratch")}
    failure = cases[("KEY-002", "aws_kms_key.phi")].find("failure")
    assert failure is not None
    assert failure.get("message") == ("KMS key aws_kms_key.phi does not rotate its key "
                                      "material: `enable_key_rotation` is false")
    assert failure.get("type") == "medium"
    assert failure.text.startswith("main.tf:2: KMS key aws_kms_key.phi")
    assert cases[("KEY-002", "aws_kms_key.ok")].find("failure") is None
    assert cases[("ENC-002", "aws_ebs_volume.scratch")].get("line") == "12"


def test_junit_reports_unscannable_files_as_errors(tmp_path: Path) -> None:
    (tmp_path / "broken.tf").write_text("resource {\n")
    completed = run_cli("scan", ".", "-f", "junit", cwd=tmp_path)
    assert completed.returncode == 2
    case = ElementTree.fromstring(completed.stdout).find(".//testcase")
    assert (case.get("name"), case.find("error").get("type")) == ("broken.tf", "not-scanned")


def test_github_workflow_commands(stack: Path) -> None:
    completed = run_cli("scan", ".", *RULES, "-f", "github", cwd=stack)
    assert completed.returncode == 1
    lines = completed.stdout.splitlines()
    # Most severe first: ENC-002 (high) is an error, KEY-002 (medium) a warning.
    assert lines[0].startswith("::error file=main.tf,line=12,endLine=12,title=ENC-002 ")
    assert lines[1] == (
        "::warning file=main.tf,line=2,endLine=2,title=KEY-002 Customer-managed KMS keys "
        "rotate automatically::KMS key aws_kms_key.phi does not rotate its key material: "
        "`enable_key_rotation` is false%0Afix: Enable automatic rotation on every symmetric "
        "customer-managed key.")


def test_github_escaping() -> None:
    assert command("error", "50% done\r\nnext", file="a,b:c.tf", line=3, title="T: x, y") == \
        "::error file=a%2Cb%3Ac.tf,line=3,title=T%3A x%2C y::50%25 done%0D%0Anext"
    assert command("notice", "plain") == "::notice::plain"


def test_markdown_summary_counts_per_citation_and_severity(stack: Path) -> None:
    completed = run_cli("scan", ".", *RULES, "-f", "markdown", cwd=stack)
    assert completed.returncode == 1
    lines = completed.stdout.splitlines()
    assert lines[0].startswith("## ephi-lint: 2 failed, 0 unknown, 1 passed:")
    assert "| HIPAA citation (45 CFR) | critical | high | medium | low | unknown | suppressed |" \
        in lines
    assert "| 164.312(a)(2)(iv) | 0 | 1 | 1 | 0 | 0 | 0 |" in lines
    assert ("| medium | KEY-002 | `aws_kms_key.phi` | `main.tf:2` | KMS key aws_kms_key.phi "
            "does not rotate its key material: `enable_key_rotation` is false |") in lines


def test_sarif_cut_at_the_result_limit_keeps_the_most_severe(
        stack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = [rule for rule in load_rules([catalogue_directory("rules")])
             if rule.id in ("KEY-002", "ENC-002")]
    result = scan(ScanRequest(paths=[stack], root=stack, rules=rules))
    monkeypatch.setattr(sarif, "MAX_RESULTS", 1)
    document = sarif.build(ScanReport(result), stack)
    run = document["runs"][0]
    assert [(r["ruleId"], r["properties"]["resource"]) for r in run["results"]] == [
        ("ENC-002", "aws_ebs_volume.scratch")]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [(note["descriptor"]["id"], note["level"]) for note in notes] == [
        ("results-truncated", "warning")]
    assert notes[0]["message"]["text"].startswith("1 results of the lowest severities were "
                                                  "left out")


def test_dash_and_format_targets() -> None:
    assert parse_targets("json", ["-"]) == [OutputTarget("json", None)]
    assert parse_targets("text", ["sarif=-", "gitlab-sast=gl.json", "./-"]) == [
        OutputTarget("sarif", None), OutputTarget("gitlab-sast", Path("gl.json")),
        OutputTarget("text", Path("./-"))]
    with pytest.raises(ValueError, match="only one --output can go to standard output"):
        parse_targets("json", ["-", "text"])
    with pytest.raises(ValueError, match="this command writes only text, json, sarif"):
        parse_targets("json", ["junit=out.xml"], formats=("text", "json", "sarif"))


class _Terminal:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_colour_follows_no_color_and_force_color_and_the_option_wins() -> None:
    terminal, pipe = _Terminal(True), _Terminal(False)
    assert (use_colour(None, terminal, {}), use_colour(None, pipe, {})) == (True, False)
    assert use_colour(None, terminal, {"NO_COLOR": "1"}) is False
    assert use_colour(None, terminal, {"NO_COLOR": ""}) is True  # empty: not set
    assert use_colour(None, pipe, {"FORCE_COLOR": "1"}) is True
    assert use_colour(None, pipe, {"FORCE_COLOR": "1", "NO_COLOR": "1"}) is False
    assert use_colour(True, pipe, {"NO_COLOR": "1"}) is True
    assert use_colour(False, terminal, {"FORCE_COLOR": "1"}) is False


def test_text_summary_counts_what_was_skipped(stack: Path) -> None:
    rules = [rule for rule in load_rules([catalogue_directory("rules")])
             if rule.id == "KEY-002"]
    result = scan(ScanRequest(paths=[stack], root=stack, rules=rules))
    result.skipped = {".gitignore": 2, "--framework": 1, "--skip-path": 1}
    assert summary(ScanReport(result)).endswith(
        "; 1 file skipped by --framework; 1 path skipped by --skip-path; 2 paths skipped by "
        ".gitignore")
    report = ScanReport(result, soft_fail=True)
    assert (report.exit_code, ScanReport(result).exit_code) == (0, 1)


def test_a_live_finding_is_placed_by_account_region_and_arn(stack: Path) -> None:
    """linter.report.live_place: a live resource at its virtual path has no file line in
    any place name; one anchored in its template keeps the template line beside the ARN."""
    import dataclasses

    from linter.models.base import SourceLocation
    from linter.report.live_place import in_no_file, is_virtual, live_place, where

    rules = [rule for rule in load_rules([catalogue_directory("rules")]) if rule.id == "ENC-002"]
    [outcome] = [item for item in scan(ScanRequest(paths=[stack], root=stack, rules=rules))
                 .outcomes if item.status.value == "fail"]
    arn = "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
    virtual = "aws/123456789012/us-east-1/ec2/vol-1"
    live_resource = dataclasses.replace(outcome.resource, address=arn, source_format="aws",
                                        scope="aws/123456789012/us-east-1",
                                        location=SourceLocation(virtual, 1, 1))
    live = dataclasses.replace(outcome, resource=live_resource,
                               location=SourceLocation(virtual, 1, 1))
    anchored = dataclasses.replace(live, location=SourceLocation("infra/clinic.yaml", 8, 8))
    assert is_virtual(virtual) and not is_virtual("aws/main.tf")
    assert live_place(outcome.resource) is None and where(outcome) == "main.tf:12"
    assert in_no_file(live) == live_place(live_resource)
    assert where(live) == f"account 123456789012, us-east-1, {arn}"
    assert in_no_file(anchored) is None
    assert where(anchored) == (f"account 123456789012, us-east-1, {arn} "
                               "(declared at infra/clinic.yaml:8)")
