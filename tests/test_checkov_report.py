"""checkov folded into the compliance report, proven on a real checkov run.

tests/checkov/ holds what checkov 3.3.30 itself wrote for examples/ (its README says how it
was made), so CI sees real checkov output without installing checkov. Everything goes
through the command line a user runs: `ephi-lint scan --include-passed --checkov-results`
to a JSON file, then `ephi-lint report` to HTML, read back with html.parser.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from linter.checkov_results import equivalent_rules, read_results
from linter.engine import catalogue_directory, load_rules
from linter.tables import load_table
from tests.conftest import REPOSITORY, run_cli

RECORDED = REPOSITORY / "tests" / "checkov"
EXAMPLES_RUN = RECORDED / "examples.json"  # checkov -d examples/ -o json --skip-download
SKIPS_RUN = RECORDED / "examples-skips.json"  # checkov -f <the two files add_skips edits>
CHECKOV_VERSION = "3.3.30"
TERRAFORM = "examples/dermatology-practice/terraform"
CLOUDFORMATION = "examples/dermatology-practice/cloudformation"

# The `#checkov:skip=` comments of the skip test, with the lines they follow. The same
# edit was made before recording SKIPS_RUN (tests/checkov/README.md): keep them in step.
SKIP_COMMENTS = (
    (f"{TERRAFORM}/storage.tf", '  encrypted         = false\n',
     "  #checkov:skip=CKV_AWS_3:vendor capture cache, wiped nightly after the S3 sync\n"),
    (f"{CLOUDFORMATION}/teledermatology.yaml",
     "  TranscoderScratchVolume:\n    Type: AWS::EC2::Volume\n",
     "    #checkov:skip=CKV_AWS_3:transcoder scratch space, frames deleted after each visit\n"),
)


def add_skips(root: Path) -> None:
    """Write SKIP_COMMENTS into the copy of examples/ under `root`."""
    for relative, anchor, comment in SKIP_COMMENTS:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(anchor) == 1, f"{relative}: the skip's anchor moved"
        path.write_text(text.replace(anchor, anchor + comment), encoding="utf-8")


# --- one scan of examples/ with the recorded checkov run, and its report ---------------


@pytest.fixture(scope="module")
def folded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The scan JSON (`document`) and the report's checkov section (`html`)."""
    out = tmp_path_factory.mktemp("checkov-report")
    scanned = run_cli("scan", "examples/", "--include-passed", "--checkov-results",
                      str(EXAMPLES_RUN.relative_to(REPOSITORY)), "-f", "json",
                      "-o", str(out / "scan.json"))
    assert scanned.returncode == 1, scanned.stderr  # the examples have findings, no error
    reported = run_cli("report", str(out / "scan.json"), "-o", str(out / "report.html"))
    assert reported.returncode == 0, reported.stderr
    page = _CheckovSection()
    page.feed((out / "report.html").read_text(encoding="utf-8"))
    page.close()
    return {"document": json.loads((out / "scan.json").read_text(encoding="utf-8")),
            "html": page}


def _kept(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(item["check_id"], item["resource"]): item for item in document["checkov"]}


def _recorded(path: Path) -> dict[tuple[str, str], Any]:
    """Every result of a recorded run, by (check id, resource as ephi-lint names it)."""
    return {(result.check_id, result.address): result
            for result in read_results(path.read_text(encoding="utf-8"))}


def test_the_recording_is_checkov_output_with_passed_checks_and_no_machine_paths() -> None:
    """Passed checks are there (no --quiet: it drops them from the JSON), one report per
    framework, and this machine's folders were replaced by the README's placeholder."""
    document = json.loads(EXAMPLES_RUN.read_text(encoding="utf-8"))
    # checkov runs its frameworks in parallel: the reports come in any order.
    assert sorted((report["check_type"], report["summary"]["checkov_version"],
                   report["summary"]["passed"] > 0, report["summary"]["failed"] > 0)
                  for report in document) == [
        ("cloudformation", CHECKOV_VERSION, True, True),
        ("kubernetes", CHECKOV_VERSION, True, True), ("terraform", CHECKOV_VERSION, True, True)]
    readme = (RECORDED / "README.md").read_text(encoding="utf-8")
    assert f"checkov {CHECKOV_VERSION}" in readme
    for recording in (EXAMPLES_RUN, SKIPS_RUN):
        text = recording.read_text(encoding="utf-8")
        assert not re.search(r'"/(?:work|tmp|home|root)/', text), recording.name
        assert '"/SCAN-ROOT/examples/' in text  # file_abs_path, as the README says


def _stale_code_blocks(recording: Path, root: Path) -> list[str]:
    """file:line of every line checkov quoted (`code_block`) that the file under `root`
    no longer holds: the examples changed after the recording."""
    stale = []
    for report in json.loads(recording.read_text(encoding="utf-8")):
        for records in report["results"].values():
            for record in records:
                # with a relative -d, Kubernetes repo_file_path repeats the folder
                path = next(root / name.lstrip("/")
                            for name in (record["repo_file_path"], record["file_path"])
                            if (root / name.lstrip("/")).is_file())
                lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
                stale += [f"{path.relative_to(root)}:{number}"
                          for number, text in record["code_block"]
                          if number > len(lines) or lines[number - 1] != text]
    return sorted(set(stale))


def test_the_recordings_quote_the_examples_as_they_are(tmp_path: Path) -> None:
    """If this fails, examples/ changed: record again as tests/checkov/README.md says."""
    assert _stale_code_blocks(EXAMPLES_RUN, REPOSITORY) == []
    shutil.copytree(REPOSITORY / "examples", tmp_path / "examples")
    add_skips(tmp_path)
    assert _stale_code_blocks(SKIPS_RUN, tmp_path) == []


def test_kept_results_carry_their_hipaa_sections(folded: dict[str, Any]) -> None:
    kept = _kept(folded["document"])
    expected = {
        # from linter/tables/checkov_hipaa.yaml: checks ephi-lint does not make
        ("CKV_AWS_252", "aws_cloudtrail.organization"):
            ("failed", f"{TERRAFORM}/audit.tf", 10,
             ["164.312(b)", "164.308(a)(1)(ii)(D)"], "audit", []),
        ("CKV_AWS_31", "aws_elasticache_replication_group.sessions"):
            ("failed", f"{TERRAFORM}/database.tf", 185,
             ["164.312(d)", "164.312(e)(2)(ii)"], "authentication", []),
        ("CKV_AWS_161", "VisitsDatabase"):
            ("failed", f"{CLOUDFORMATION}/teledermatology.yaml", 178, ["164.312(d)"],
             "authentication", []),
        ("CKV_AWS_20", "aws_s3_bucket.photos"):
            ("passed", f"{TERRAFORM}/storage.tf", 10, ["164.312(a)(1)"], "access-control", []),
        ("CKV2_AWS_8", "aws_rds_cluster.reporting"):
            ("passed", f"{TERRAFORM}/database.tf", 94, ["164.308(a)(7)(ii)(A)"],
             "contingency", []),
        # an equivalent of KEY-001, which did not judge this bucket: it has no
        # encryption configuration at all (ENC-001 fails), so there is no key to judge
        ("CKV_AWS_145", "aws_s3_bucket.exports"):
            ("failed", f"{TERRAFORM}/storage.tf", 118, ["164.312(a)(1)", "164.312(a)(2)(iv)"],
             "", ["KEY-001"]),
        # neither a rule's equivalent nor in the table: kept, under no section
        ("CKV_AWS_68", "PortalDistribution"):
            ("failed", f"{CLOUDFORMATION}/portal-cdn.json", 22, [], "", []),
    }
    assert {key: (kept[key]["status"], kept[key]["file"], kept[key]["line"],
                  kept[key]["hipaa"], kept[key]["topic"], kept[key]["equivalent_rules"])
            for key in expected} == expected


def test_every_kept_result_has_the_sections_of_its_rules_or_the_table(
        folded: dict[str, Any]) -> None:
    """The citations come from the rules' `equivalents` first, else from the table: an
    oracle built from the rule files and the table, not from linter.checkov_results."""
    by_rule: dict[str, set[str]] = {}
    for rule in load_rules([catalogue_directory("rules")]):
        for check_id in rule.equivalents.get("checkov", []):
            by_rule.setdefault(check_id, set()).update(rule.hipaa)
    table = load_table("checkov_hipaa")["checks"]
    wrong = [(item["check_id"], item["resource"], item["hipaa"])
             for item in folded["document"]["checkov"]
             if set(item["hipaa"]) != by_rule.get(item["check_id"],
                                                  set(table.get(item["check_id"], {})
                                                      .get("hipaa", [])))]
    assert wrong == []


def test_no_kept_result_repeats_an_ephi_lint_outcome(folded: dict[str, Any]) -> None:
    """For each kept result, no rule equivalent to its check judged the same resource."""
    judged = {(row["rule"], row["resource"]) for row in folded["document"]["inventory"]}
    repeated = [(item["check_id"], item["resource"], rule)
                for item in folded["document"]["checkov"]
                for rule in equivalent_rules(item["check_id"])
                if (rule, item["resource"]) in judged]
    assert repeated == []


def test_results_ephi_lint_judged_are_left_out_for_its_own_outcome(
        folded: dict[str, Any]) -> None:
    """Named duplicates: in checkov's output, not in the fold, and ephi-lint's outcome on
    the same resource (with its own line) is in the inventory instead."""
    recorded = _recorded(EXAMPLES_RUN)
    kept = _kept(folded["document"])
    inventory = {(row["rule"], row["resource"]): (row["status"], row["file"], row["line"])
                 for row in folded["document"]["inventory"]}
    duplicates = {
        # checkov passes the exports bucket (S3's default encryption); ephi-lint fails it
        ("CKV_AWS_19", "aws_s3_bucket.exports", "passed"):
            ("ENC-001", ("fail", f"{TERRAFORM}/storage.tf", 118)),
        ("CKV_AWS_19", "aws_s3_bucket.photos", "passed"):
            ("ENC-001", ("pass", f"{TERRAFORM}/storage.tf", 25)),
        ("CKV_AWS_3", "aws_ebs_volume.imaging_workstation", "failed"):
            ("ENC-002", ("fail", f"{TERRAFORM}/storage.tf", 216)),
        ("CKV_AWS_3", "TranscoderScratchVolume", "failed"):
            ("ENC-002", ("fail", f"{CLOUDFORMATION}/teledermatology.yaml", 216)),
        ("CKV_AWS_7", "aws_kms_key.backup", "failed"):
            ("KEY-002", ("fail", f"{TERRAFORM}/keys.tf", 109)),
        ("CKV_AWS_103", "aws_lb_listener.portal_https", "failed"):
            ("TLS-001", ("fail", f"{TERRAFORM}/network.tf", 217)),
    }
    assert {(check, resource, recorded[check, resource].status)
            for check, resource, _ in duplicates} == set(duplicates)
    assert [(check, resource) for check, resource, _ in duplicates
            if (check, resource) in kept] == []
    assert {key: (rule, inventory[rule, key[1]])
            for key, (rule, _) in duplicates.items()} == duplicates


def test_checks_on_a_companion_block_ephi_lint_judged_inside_are_left_out(
        folded: dict[str, Any]) -> None:
    """ephi-lint's NET-001 outcome on aws_s3_bucket.photos points at line 56, inside the
    public access block (lines 51-57) that checkov's CKV_AWS_53..56 judge: the same
    settings, judged twice in the report."""
    row = next(row for row in folded["document"]["inventory"]
               if (row["rule"], row["resource"]) == ("NET-001", "aws_s3_bucket.photos"))
    assert (row["status"], row["file"], row["line"]) == ("pass", f"{TERRAFORM}/storage.tf", 56)
    recorded = _recorded(EXAMPLES_RUN)[
        "CKV_AWS_53", "aws_s3_bucket_public_access_block.photos"]
    assert (recorded.start_line, recorded.end_line) == (51, 57)
    assert [key for key in _kept(folded["document"])
            if key[1] == "aws_s3_bucket_public_access_block.photos"] == []


def test_kept_results_name_files_the_scan_read(folded: dict[str, Any]) -> None:
    scanned = {record["path"] for record in folded["document"]["provenance"]["inputs"]}
    assert sorted({item["file"] for item in folded["document"]["checkov"]} - scanned) == []


# --- the HTML report ----------------------------------------------------------------


class _CheckovSection(HTMLParser):
    """The tables inside <section id="checkov">: per body row (<td> cells), the row's
    attributes and, per cell, its text pieces (each tag boundary starts a new piece)."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False
        self.headings: list[str] = []
        self.tables: list[list[tuple[dict[str, str | None], list[list[str]]]]] = []
        self._depth = 0  # <section> nesting inside the checkov section
        self._heading: list[str] | None = None
        self._row_attributes: dict[str, str | None] = {}
        self._row: tuple[dict[str, str | None], list[list[str]]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section" and (self._depth or dict(attrs).get("id") == "checkov"):
            self.found = True
            self._depth += 1
        elif not self._depth:
            return
        elif tag in ("h2", "h3"):
            self._heading = []
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row_attributes, self._row = dict(attrs), None
        elif tag == "td":
            if self._row is None:  # a header row (<th> only) is never added
                self._row = (self._row_attributes, [])
                self.tables[-1].append(self._row)
            self._cell = []
            self._row[1].append(self._cell)

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag == "section":
            self._depth -= 1
        elif tag == "td":
            self._cell = None
        elif tag in ("h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None

    def handle_data(self, data: str) -> None:
        if not self._depth or not data.strip():
            return
        if self._heading is not None:
            self._heading.append(data)
        elif self._cell is not None:
            self._cell.append(data.strip())


def test_the_report_has_the_checkov_section_with_the_kept_results(
        folded: dict[str, Any]) -> None:
    page, kept = folded["html"], folded["document"]["checkov"]
    assert page.found
    assert page.headings == ["checkov results", "Failed checks"]
    counts: dict[str, list[int]] = {}
    for item in kept:
        for section in item["hipaa"] or ["not mapped"]:
            tally = counts.setdefault(section, [0, 0, 0])
            tally[["passed", "failed", "skipped"].index(item["status"])] += 1
    shown = {row[0]["data-checkov-section"]: [int(cell[0]) for cell in row[1][1:]]
             for row in page.tables[0]}
    assert shown == counts
    # RDS IAM auth, ElastiCache auth token, and the control-plane checks (CKV_K8S_72, 73,
    # 99, 100, 111, 148) whose equivalent rules cite 164.312(d)
    assert shown["164.312(d)"] == [23, 3, 0]
    failed = sorted((row[1][0][0], row[1][0][1:], row[1][1][0], row[1][2][0], row[1][2][1])
                    for row in page.tables[1])
    assert failed == sorted(
        (item["check_id"], [", ".join(item["hipaa"])] if item["hipaa"] else [],
         item["check_name"], item["resource"], f"{item['file']}:{item['line']}")
        for item in kept if item["status"] == "failed")
    assert ("CKV_AWS_252", ["164.312(b), 164.308(a)(1)(ii)(D)"],
            "Ensure CloudTrail defines an SNS Topic", "aws_cloudtrail.organization",
            f"{TERRAFORM}/audit.tf:10") in failed
    # a duplicate of ENC-002 is not among the failed checks shown
    assert [row for row in failed if row[0] == "CKV_AWS_3"] == []


# --- checkov's skip comments --------------------------------------------------------


def test_a_checkov_skip_comment_is_an_exception_for_the_equivalent_rule(
        tmp_path: Path) -> None:
    """A `#checkov:skip=CKV_AWS_3:reason` inside a volume's block suppresses ephi-lint's
    ENC-002 finding there, with the reason as justification, in JSON and SARIF; real
    checkov read the same comments as skips of the same resources (SKIPS_RUN)."""
    shutil.copytree(REPOSITORY / "examples", tmp_path / "examples")
    add_skips(tmp_path)
    completed = run_cli("scan", "examples/", "--include-passed", "--checkov-results",
                        str(SKIPS_RUN), "-f", "json", "-o", "json=scan.json",
                        "-o", "sarif=scan.sarif", cwd=tmp_path)
    assert completed.returncode == 1, completed.stderr  # other findings stay open
    document = json.loads((tmp_path / "scan.json").read_text(encoding="utf-8"))
    assert sorted((item["rule"], item["resource"], item["file"], item["line"],
                   item["suppression"]["kind"], item["suppression"]["justification"],
                   item["suppression"]["source"]) for item in document["suppressed"]) == [
        ("ENC-002", "TranscoderScratchVolume", f"{CLOUDFORMATION}/teledermatology.yaml",
         216, "inSource", "transcoder scratch space, frames deleted after each visit",
         f"{CLOUDFORMATION}/teledermatology.yaml:218"),
        ("ENC-002", "aws_ebs_volume.imaging_workstation", f"{TERRAFORM}/storage.tf", 216,
         "inSource", "vendor capture cache, wiped nightly after the S3 sync",
         f"{TERRAFORM}/storage.tf:217")]
    assert [item["resource"] for item in document["findings"] if item["rule"] == "ENC-002"] \
        == []
    assert document["notices"] == []

    sarif = json.loads((tmp_path / "scan.sarif").read_text(encoding="utf-8"))
    suppressed = sorted(
        (result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         [(entry["kind"], entry["justification"]) for entry in result["suppressions"]])
        for result in sarif["runs"][0]["results"]
        if result["ruleId"] == "ENC-002" and result.get("suppressions"))
    assert suppressed == [
        (f"{CLOUDFORMATION}/teledermatology.yaml",
         [("inSource", "transcoder scratch space, frames deleted after each visit")]),
        (f"{TERRAFORM}/storage.tf",
         [("inSource", "vendor capture cache, wiped nightly after the S3 sync")])]

    # checkov itself skipped CKV_AWS_3 on the same two volumes, for the same reasons ...
    skipped = {key: (result.skip_reason, result.equivalent_rules)
               for key, result in _recorded(SKIPS_RUN).items() if result.status == "skipped"}
    assert skipped == {
        ("CKV_AWS_3", "aws_ebs_volume.imaging_workstation"):
            ("vendor capture cache, wiped nightly after the S3 sync", ("ENC-002",)),
        ("CKV_AWS_3", "TranscoderScratchVolume"):
            ("transcoder scratch space, frames deleted after each visit", ("ENC-002",))}
    # ... and those skips are left out of the fold: ephi-lint's suppressed ENC-002 stands
    assert [(item["check_id"], item["resource"]) for item in document["checkov"]
            if item["check_id"] == "CKV_AWS_3"] == []
