"""`ephi-lint aws` on a par with `scan` (moto server): the configuration file and its
waivers, the baseline, --soft-fail, several --output targets and every format, each naming
a live finding by account, Region and ARN, never by a line 1 of a virtual file."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.live_helpers import run_aws
from tests.live_server import MotoServer, client
from tests.test_sarif import _github_check

ACCOUNT = "123456789012"
REGION = "us-east-1"
RULE = "ENC-001"  # S3 default encryption: moto's new buckets have none
WAIVED = "arn:aws:s3:::clinic-waived"
ACCEPTED = "arn:aws:s3:::clinic-accepted"
NEW = "arn:aws:s3:::clinic-new"
ARCHIVE = "arn:aws:s3:::archive-2019"  # its waiver expired
PLACE = f"account {ACCOUNT}, {REGION}"

CONFIG = f"""\
version: 1
waivers:
  - rule: {RULE}
    resource: "{WAIVED}"
    justification: Public brochures only; no ePHI is ever written here.
    approved_by: security@clinic.example
    expires: 2099-12-31
  - rule: {RULE}
    resource: "arn:aws:s3:::archive-*"
    justification: Archive buckets are encrypted by the archiving job.
    expires: 2020-01-01
"""


def _aws(*args: str, exit_codes: tuple[int, ...] = (1,)) -> Any:
    result = run_aws("--regions", REGION, "--services", "s3", *args, rules=(RULE,))
    assert result.exit_code in exit_codes, result.stderr + result.stdout
    return result


@pytest.fixture
def account(moto_server: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two unencrypted buckets (one waived by the config); the working directory holds
    the config file."""
    moto_server.reset()
    s3 = client("s3")
    for name in ("clinic-waived", "clinic-accepted"):
        s3.create_bucket(Bucket=name)
    (tmp_path / ".ephi-lint.yaml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _results(sarif: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["properties"]["arn"]: item for item in sarif["runs"][0]["results"]}


def test_config_waiver_baseline_and_two_outputs_end_to_end(account: Path,
                                                            sarif_schema: dict) -> None:
    # 1. Accept today's findings: the waived bucket is suppressed, the other one goes into
    #    the baseline (created by --update-baseline).
    _aws("--baseline", "accepted.sarif", "--update-baseline", "--quiet", exit_codes=(0,))
    # 2. Two unencrypted buckets appear: a new one, and one whose waiver has expired;
    #    the next scan reports only them.
    client("s3").create_bucket(Bucket="clinic-new")
    client("s3").create_bucket(Bucket="archive-2019")
    result = _aws("--baseline", "accepted.sarif", "-o", "sarif=a.sarif", "-o", "json=b.json")
    assert result.stdout == ""
    document = json.loads((account / "b.json").read_text())
    assert [(item["rule"], item["resource"]) for item in document["findings"]] == [
        (RULE, ARCHIVE), (RULE, NEW)]
    assert [(item["rule"], item["resource"], item["suppression"]["source"])
            for item in document["suppressed"]] == [(RULE, WAIVED, ".ephi-lint.yaml:3")]
    assert document["summary"]["in_baseline"] == 1
    assert document["findings"][1]["live"] == {"account": ACCOUNT, "region": REGION,
                                               "arn": NEW, "declared": False}
    # The expired waiver is not applied, and says so.
    assert [(notice["kind"], notice["path"], notice["line"], notice["resource"])
            for notice in document["notices"]] == [
        ("expired-waiver", ".ephi-lint.yaml", 8, "arn:aws:s3:::archive-*")]
    sarif = json.loads((account / "a.sarif").read_text())
    results = _results(sarif)
    assert set(results) == {NEW, ARCHIVE, WAIVED}
    assert "suppressions" not in results[NEW]
    assert results[WAIVED]["suppressions"][0]["kind"] == "external"
    location = results[NEW]["locations"][0]
    # GitHub requires a start line: the virtual path's line 1, the message saying where.
    assert location["physicalLocation"]["artifactLocation"] == {
        "uri": f"aws/{ACCOUNT}/{REGION}/s3/clinic-new", "uriBaseId": "%SRCROOT%"}
    assert results[NEW]["message"]["text"].startswith(f"S3 bucket {NEW} ")
    assert results[NEW]["message"]["text"].endswith(f" ({PLACE})")
    assert location["logicalLocations"] == [{"fullyQualifiedName": NEW, "kind": "resource"}]
    assert (results[NEW]["properties"]["account"], results[NEW]["properties"]["region"]) == \
        (ACCOUNT, REGION)
    validator = jsonschema.Draft4Validator(sarif_schema,
                                           format_checker=jsonschema.FormatChecker())
    assert [error.message for error in validator.iter_errors(sarif)] == []
    completed = _github_check([account / "a.sarif"])
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_soft_fail_from_the_option_and_from_the_config(account: Path) -> None:
    assert _aws("--soft-fail", "-q", exit_codes=(0,)).exit_code == 0
    (account / ".ephi-lint.yaml").write_text(CONFIG + "soft_fail: true\n")
    assert _aws("-q", exit_codes=(0,)).exit_code == 0
    assert _aws("-q", "--no-soft-fail", exit_codes=(1,)).exit_code == 1


def test_no_config_reports_the_waived_bucket(account: Path) -> None:
    document = json.loads(_aws("--no-config", "-f", "json").stdout)
    assert {item["resource"] for item in document["findings"]} == {WAIVED, ACCEPTED}
    assert document["suppressed"] == []


def test_a_broken_config_is_a_usage_error(account: Path) -> None:
    (account / ".ephi-lint.yaml").write_text("waivers:\n  - rule: ENC-001\n")
    result = _aws(exit_codes=(2,))
    assert "justification" in result.stderr and ".ephi-lint.yaml:2" in result.stderr


def test_every_format_names_account_region_and_arn(account: Path) -> None:
    outputs = {name: account / f"out.{name}" for name in
               ("text", "markdown", "junit", "github", "gitlab-sast")}
    _aws("--no-config", *(part for name, path in outputs.items()
                          for part in ("-o", f"{name}={path}")))
    text = outputs["text"].read_text()
    assert f"aws {PLACE}\n" in text
    finding = next(line for line in text.splitlines() if ACCEPTED in line)
    assert finding.split() [:2] == ["medium", RULE]  # no line number before the severity
    assert "in 1 service read across 1 account and 1 Region" in text
    markdown = outputs["markdown"].read_text()
    assert f"| medium | {RULE} | `{ACCEPTED}` | {PLACE} |" in markdown
    assert ":1`" not in markdown
    cases = {case.get("name"): case for case in
             ElementTree.parse(outputs["junit"]).getroot().iter("testcase")}
    assert set(cases) == {WAIVED, ACCEPTED}
    assert cases[ACCEPTED].get("file") is None and cases[ACCEPTED].get("line") is None
    assert cases[ACCEPTED].find("failure").text.startswith(f"{PLACE}, {ACCEPTED}: ")
    annotations = [line for line in outputs["github"].read_text().splitlines()
                   if line.startswith("::")]
    accepted = next(line for line in annotations if ACCEPTED in line)
    assert accepted.startswith(f"::warning title={RULE} ")
    assert "file=" not in accepted and "line=" not in accepted
    assert f"::{PLACE}, {ACCEPTED}: " in accepted
    gitlab = json.loads(outputs["gitlab-sast"].read_text())
    locations = {item["location"]["class"]: item["location"]
                 for item in gitlab["vulnerabilities"]}
    assert locations[f"{PLACE}, {ACCEPTED}"] == {
        "file": f"aws/{ACCOUNT}/{REGION}/s3/clinic-accepted",
        "class": f"{PLACE}, {ACCEPTED}"}


def test_the_aws_command_takes_its_shard(account: Path) -> None:
    result = _aws("--shard", "3/2", exit_codes=(2,))
    assert "--shard '3/2': expected K/N with 1 <= K <= N" in result.stderr


def test_a_waiver_by_tag_suppresses_the_tagged_bucket(account: Path) -> None:
    client("s3").put_bucket_tagging(Bucket="clinic-accepted", Tagging={
        "TagSet": [{"Key": "data-class", "Value": "public-brochures"}]})
    (account / ".ephi-lint.yaml").write_text(
        f"waivers:\n  - rule: {RULE}\n    resource: 'arn:aws:s3:::*'\n"
        "    tags: ['data-class=public*']\n    justification: Public brochures only.\n")
    document = json.loads(_aws("-f", "json").stdout)
    assert [item["resource"] for item in document["suppressed"]] == [ACCEPTED]
    assert [item["resource"] for item in document["findings"]] == [WAIVED]
