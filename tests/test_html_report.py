"""The HTML report as a person sees it (headless Chromium, network cut off), its escaping
of scanned values, several documents in one report, and the Markdown job summary."""

from __future__ import annotations

import datetime
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from linter.metrics import metrics_from_json
from linter.report.html import render_html, render_markdown_summary
from tests.browser import offline_page
from tests.conftest import run_cli

REPOSITORY = Path(__file__).resolve().parents[1]
TODAY = datetime.date(2026, 12, 6)
HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'><svg onload=alert(3)>'


@pytest.fixture(scope="module")
def examples_document() -> dict:
    """The examples' scan JSON as `ephi-lint scan examples/ --include-passed` writes it."""
    completed = run_cli("scan", "examples/", "--include-passed", "-f", "json")
    assert completed.returncode == 1, completed.stderr  # the examples hold findings
    return json.loads(completed.stdout)


def test_report_in_a_browser_shows_the_figures_of_the_json(examples_document: dict,
                                                           tmp_path: Path) -> None:
    html = render_html([examples_document], today=TODAY)
    expected = metrics_from_json(examples_document, today=TODAY)
    with offline_page(html) as (page, visit):
        shown = page.evaluate("""() => [...document.querySelectorAll('article.metric')].map(
            card => ({id: card.dataset.metric,
                      percent: card.querySelector('.metric-percent').textContent,
                      covered: card.querySelector('.metric-covered').textContent,
                      total: card.querySelector('.metric-total').textContent}))""")
        sections = page.evaluate("""() => Object.fromEntries(
            [...document.querySelectorAll('tr[data-section]')].map(row => [row.dataset.section,
             [...row.querySelectorAll('td.num')].map(cell => cell.textContent)]))""")
        tiles = page.evaluate("""() => Object.fromEntries(
            [...document.querySelectorAll('.tile')].map(tile => [tile.dataset.tile,
             tile.querySelector('b').textContent]))""")
        finding_rows = page.evaluate(
            "() => [...document.querySelectorAll('tr.finding')].map(row => row.dataset.rule)")
        visible = page.locator("#provenance").inner_text()
        screenshot = tmp_path / "report.png"
        page.screenshot(path=str(screenshot), full_page=True)
        pdf = tmp_path / "report.pdf"
        page.emulate_media(media="print")
        page.pdf(path=str(pdf), format="A4", print_background=True)
    print(f"\nscreenshot: {screenshot}\nPDF: {pdf}")
    assert visit.console_errors == []
    assert visit.page_errors == []
    assert visit.requests == []
    assert shown == [{"id": item["id"],
                      "percent": "n/a" if item["percent"] is None else f"{item['percent']:g}%",
                      "covered": str(item["covered"]), "total": str(item["total"])}
                     for item in expected["metrics"]]
    assert shown[0] == {"id": "encrypted-at-rest", "percent": "74.1%", "covered": "20",
                        "total": "27"}
    at_rest = next(group for group in expected["by_hipaa"]
                   if group["key"] == "164.312(a)(2)(iv)")
    assert sections["164.312(a)(2)(iv)"] == [
        str(at_rest[key]) for key in ("resources", "checks", "pass", "excepted", "fail",
                                      "unknown", "error")] + [f"{at_rest['percent']:g}%"]
    summary = examples_document["summary"]
    assert (tiles["Failed"], tiles["Unknown"], tiles["Errors"]) == (
        str(summary["failed"]), str(summary["unknown"]), str(summary["errors"]))
    assert sorted(finding_rows) == sorted(item["rule"] for item in examples_document["findings"])
    assert examples_document["provenance"]["rules"]["sha256"] in visible
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.handlers: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.handlers += [(tag, name) for name, _ in attrs if name.startswith("on")]


def _hostile_document() -> dict:
    row = {"rule": "ENC-001", "title": HOSTILE, "category": "encryption-at-rest",
           "severity": "medium", "hipaa": ["164.312(a)(2)(iv)"], "status": "fail",
           "resource": HOSTILE, "resource_type": HOSTILE, "model": "aws.s3.Bucket",
           "format": "terraform", "scope": ".", "element": None, "file": HOSTILE, "line": 3,
           "root": HOSTILE, "arn": None, "account": None, "region": None, "facts": {},
           "fingerprint": "f" * 32,
           "suppression": {"kind": "external", "justification": HOSTILE, "source": HOSTILE,
                           "compensating_control": HOSTILE, "approved_by": HOSTILE,
                           "expires": "2027-01-01"}}
    finding = {"rule": "ENC-001", "title": HOSTILE, "status": "fail", "severity": HOSTILE,
               "category": HOSTILE, "hipaa": [HOSTILE], "resource": HOSTILE,
               "resource_type": HOSTILE, "format": "terraform", "file": HOSTILE, "line": 3,
               "message": HOSTILE, "fix": HOSTILE, "fingerprint": "e" * 32, "suppression": None}
    return {"tool": "ephi-lint", "version": HOSTILE, "summary": {"failed": 1},
            "findings": [finding], "suppressed": [], "inventory": [row],
            "checkov": [{"check_id": HOSTILE, "check_name": HOSTILE, "status": "failed",
                         "hipaa": [HOSTILE], "resource": HOSTILE, "file": HOSTILE,
                         "line": 1}],
            "notices": [{"kind": "unused-waiver", "message": HOSTILE, "path": HOSTILE,
                         "line": 1, "rule": HOSTILE, "resource": HOSTILE,
                         "justification": HOSTILE, "approved_by": HOSTILE,
                         "compensating_control": HOSTILE, "expires": HOSTILE}],
            "live": {"accounts": [HOSTILE], "services": [
                {"account": HOSTILE, "region": HOSTILE, "service": HOSTILE,
                 "status": "not assessed", "reason": HOSTILE}]},
            "provenance": {"tool": {"version": HOSTILE}, "started": HOSTILE,
                           "finished": HOSTILE, "command_line": [HOSTILE],
                           "rules": {"sha256": HOSTILE, "files": 1},
                           "roots": [{"path": HOSTILE, "git": {"commit": HOSTILE,
                                                               "remote": HOSTILE}}],
                           "inputs": [{"path": HOSTILE, "sha256": HOSTILE}]}}


def test_scanned_values_never_become_markup() -> None:
    html = render_html([_hostile_document()], today=TODAY)
    parser = _Tags()
    parser.feed(html)
    assert parser.handlers == []
    assert not parser.tags & {"script", "img", "iframe", "object", "embed", "link", "a",
                              "form", "base"}
    assert "<script" not in html and "onerror=alert" not in html.replace(
        "onerror=alert(2)&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_hostile_values_run_nothing_in_a_browser() -> None:
    with offline_page(render_html([_hostile_document()], today=TODAY)) as (page, visit):
        text = page.locator("#findings").inner_text()
    assert visit.page_errors == [] and visit.requests == []
    assert "<script>alert(1)</script>" in text  # shown as text, as it was scanned


def test_the_page_forbids_every_load_and_holds_no_script(examples_document: dict) -> None:
    html = render_html([examples_document], today=TODAY)
    assert ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:\">") in html
    parser = _Tags()
    parser.feed(html)
    assert "script" not in parser.tags and "link" not in parser.tags
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "@media print" in html and "@page" in html


def test_several_documents_files_and_accounts_together(examples_document: dict) -> None:
    live_row = {**examples_document["inventory"][0], "root": "aws/111122223333",
                "resource": "arn:aws:s3:::clinic-photos", "format": "aws",
                "scope": "aws/111122223333/us-east-1", "arn": "arn:aws:s3:::clinic-photos",
                "account": "111122223333", "region": "us-east-1", "status": "pass",
                "rule": "ENC-001", "category": "encryption-at-rest", "suppression": None,
                "fingerprint": "a" * 32}
    live = {"tool": "ephi-lint", "version": "0.1.0", "summary": {"failed": 0},
            "findings": [], "suppressed": [], "notices": [], "inventory": [live_row],
            "live": {"accounts": ["111122223333"], "services": [
                {"account": "111122223333", "region": "us-east-1", "service": "rds",
                 "status": "not assessed", "reason": "AccessDenied: rds:DescribeDBInstances"}]}}
    html = render_html([examples_document, live], today=TODAY)
    assert 'tr data-root="aws/111122223333"' in html and 'tr data-root="examples"' in html
    assert "Scope: examples, AWS account 111122223333" in html
    assert "AccessDenied: rds:DescribeDBInstances" in html
    # 20 of 27 stores from the files, plus the account's encrypted bucket.
    assert ('<b class="metric-percent">75%</b> — <span class="metric-covered">21</span> of '
            '<span class="metric-total">28</span> stores') in html


def test_a_document_without_inventory_is_flagged(examples_document: dict) -> None:
    bare = {key: value for key, value in examples_document.items() if key != "inventory"}
    html = render_html([bare], today=TODAY)
    assert "carry no inventory of passed checks" in html
    assert "scan with --include-passed" in render_markdown_summary([bare], today=TODAY)


def test_markdown_summary(examples_document: dict) -> None:
    lines = render_markdown_summary([examples_document], today=TODAY).splitlines()
    assert lines[0] == "## ePHI encryption coverage"
    assert "| ePHI stores encrypted at rest | 20 | 27 | 74.1% | 7 | 0 | 0 | 0 |" in lines
    assert "| TLS endpoints that offer TLS 1.3 | 6 | 8 | 75% | 2 | 0 | 0 | 0 |" in lines
    assert ("| critical | ENC-004 | `aws_rds_cluster.reporting` | "
            "`examples/dermatology-practice/terraform/database.tf:104` | Set storage_encrypted"
            " = true (StorageEncrypted true) with a customer-managed KMS key; migrate an "
            "existing cluster through an encrypted snapshot copy. |") in lines
    assert "Exceptions: 0 expired, 0 expiring, 0 not honoured, 0 open, 0 unused" in lines


def test_markdown_cells_cannot_break_the_table() -> None:
    text = render_markdown_summary([_hostile_document()], today=TODAY)
    row = next(line for line in text.splitlines() if line.startswith("| &lt;script"))
    assert row.count(" | ") == 4 and "<script>" not in text


def test_checkov_results_are_shown_under_their_sections(examples_document: dict) -> None:
    from linter.checkov_results import read_results, results_json
    from tests.test_checkov_results import CHECKOV_OUTPUT

    document = {**examples_document, "checkov": results_json(read_results(CHECKOV_OUTPUT))}
    html = render_html([document], today=TODAY)
    assert ('<tr data-checkov-section="164.308(a)(4)(ii)(B)"><td><b>164.308(a)(4)(ii)(B)</b>'
            '<br><span class="cite">Access authorization</span></td><td class="num">0</td>'
            '<td class="num">1</td><td class="num">0</td></tr>') in html
    assert '<span class="mono res">aws_iam_user_policy.billing</span>' in html


def test_exceptions_register_rows() -> None:
    waived = {"kind": "external", "justification": "HSM-backed, vendor runbook",
              "source": ".ephi-lint.yaml:2", "compensating_control": "manual rotation, SEC-114",
              "approved_by": "security@clinic.example", "expires": "2026-12-20"}
    row = {"rule": "KEY-002", "category": "key-management", "hipaa": ["164.312(a)(2)(iv)"],
           "status": "fail", "resource": "aws_kms_key.legacy", "resource_type": "aws_kms_key",
           "format": "terraform", "scope": ".", "file": "main.tf", "line": 6, "root": ".",
           "arn": None, "facts": {}, "fingerprint": "c" * 32, "suppression": waived}
    expired = {"kind": "expired-waiver", "path": ".ephi-lint.yaml", "line": 8,
               "rule": "KEY-002", "message": "waiver 2 (.ephi-lint.yaml:8) for KEY-002 on "
               "aws_kms_key.old expired on 2026-11-30: its findings are reported again",
               "resource": "aws_kms_key.old", "justification": "migration pending",
               "approved_by": "cto@clinic.example", "expires": "2026-11-30",
               "compensating_control": ""}
    document = {"tool": "ephi-lint", "version": "0.1.0", "summary": {}, "findings": [],
                "inventory": [row], "notices": [expired]}
    html = render_html([document], today=TODAY)
    assert ('<tr data-state="expiring"><td><span class="state expiring">expiring</span></td>'
            '<td>KEY-002<br><span class="mono">aws_kms_key.legacy</span></td>'
            "<td>HSM-backed, vendor runbook<br><i>Compensating control:</i> manual rotation, "
            "SEC-114</td><td>security@clinic.example</td>"
            '<td class="date">2026-12-20<br><span class="cite">in 14 days</span></td>'
            '<td><span class="mono">.ephi-lint.yaml:2</span> (waiver)</td></tr>') in html
    # An expired waiver shows its terms, from the notice's fields.
    assert ('<tr data-state="expired"><td><span class="state expired">expired</span></td>'
            '<td>KEY-002<br><span class="mono">aws_kms_key.old</span></td>'
            '<td>migration pending<br><span class="cite">waiver 2 (.ephi-lint.yaml:8) for '
            "KEY-002 on aws_kms_key.old expired on 2026-11-30: its findings are reported again"
            "</span></td><td>cto@clinic.example</td>"
            '<td class="date">2026-11-30<br><span class="cite">6 days ago</span></td>'
            '<td><span class="mono">.ephi-lint.yaml:8</span> (waiver)</td></tr>') in html
    assert "As of 2026-12-06: 1 expired, 1 expiring, 0 not honoured, 0 open, 0 unused." in html


def test_a_missing_browser_skips_locally_and_fails_under_ci(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import tests.browser as browser

    monkeypatch.setattr(browser, "chromium_path", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        browser.require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        browser.require_browser()
