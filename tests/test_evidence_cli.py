"""The compliance officer's commands end to end, as a user runs them: `report` from scan
JSON files, `evidence keygen/create/verify/diff` as separate processes with real exit
codes, a byte flipped in each member, and the diff of a scan before and after one fix.

The scan JSON and SARIF come from `ephi-lint scan --include-passed`, as a user makes them.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
import typer

from linter.cli_evidence import register
from linter.engine import catalogue_directory, load_rules
from linter.report.html import render_html, render_markdown_summary

REPOSITORY = Path(__file__).resolve().parents[1]
TODAY = datetime.date(2026, 12, 6)
KEYS_TF = Path("dermatology-practice", "terraform", "keys.tf")


def run_evidence_cli(*args: str | Path, cwd: Path | None = None
                     ) -> subprocess.CompletedProcess[str]:
    """The commands as a separate process, through the `ephi-lint` command itself."""
    return subprocess.run([sys.executable, "-m", "linter.cli", *map(str, args)],
                          cwd=cwd or REPOSITORY, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPOSITORY)})


@pytest.fixture(scope="module")
def rules() -> list:
    return load_rules([catalogue_directory("rules")])


def scan_outputs(path: str, cwd: Path) -> tuple[dict, dict]:
    """(scan JSON with its inventory, SARIF) as `ephi-lint scan PATH --include-passed`
    writes them."""
    with tempfile.TemporaryDirectory() as folder:
        document, sarif_file = Path(folder, "scan.json"), Path(folder, "scan.sarif")
        completed = run_evidence_cli("scan", path, "--include-passed", "-q",
                                     "-o", f"json={document}", "-o", f"sarif={sarif_file}",
                                     cwd=cwd)
        assert completed.returncode == 1, completed.stderr  # the examples hold findings
        return (json.loads(document.read_text(encoding="utf-8")),
                json.loads(sarif_file.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def examples() -> tuple[dict, dict]:
    return scan_outputs("examples/", REPOSITORY)


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def only_error(completed: subprocess.CompletedProcess[str]) -> str:
    """The one stderr line of a refused command (exit 2, nothing on stdout)."""
    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    return lines[0]


def test_register_adds_report_and_the_evidence_group() -> None:
    app = typer.Typer()
    register(app)
    assert [command.name for command in app.registered_commands] == ["report"]
    group = app.registered_groups[0]
    assert group.name == "evidence"
    assert [command.name for command in group.typer_instance.registered_commands] == [
        "keygen", "create", "verify", "diff"]


# --- report ----------------------------------------------------------------------------


def test_report_of_the_examples_is_the_html_of_their_scan_json(tmp_path: Path,
                                                               examples) -> None:
    document, _ = examples
    scan_json = write_json(tmp_path / "examples.json", document)
    html, summary = tmp_path / "report.html", tmp_path / "summary.md"
    completed = run_evidence_cli("report", scan_json, "-o", html, "--markdown", summary,
                                 "--today", "2026-12-06")
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == f"{html}: report of 1 scan\n"
    assert html.read_text(encoding="utf-8") == render_html([document], today=TODAY)
    assert summary.read_text(encoding="utf-8") == render_markdown_summary([document],
                                                                          today=TODAY)
    page = html.read_text(encoding="utf-8")
    assert ('<article class="metric" id="metric-encrypted-at-rest" '
            'data-metric="encrypted-at-rest">') in page
    assert '<b class="metric-percent">74.1%</b>' in page
    assert "| ePHI stores encrypted at rest | 20 | 27 | 74.1% | 7 |" in summary.read_text()


def test_report_of_files_and_an_account_together(tmp_path: Path, examples) -> None:
    files, _ = examples
    arn = "arn:aws:s3:::lakeshore-derm-exports"
    account = {
        "tool": "ephi-lint", "version": files["version"],
        "summary": {"failed": 1, "unknown": 0, "passed": 0, "suppressed": 0, "errors": 0},
        "findings": [], "suppressed": [], "notices": [],
        "inventory": [{
            "rule": "ENC-001", "title": "S3 buckets declare default server-side encryption",
            "category": "encryption-at-rest", "severity": "medium",
            "hipaa": ["164.312(a)(2)(iv)"], "status": "fail", "resource": arn,
            "resource_type": "AWS::S3::Bucket", "model": "aws.s3.Bucket", "format": "aws",
            "scope": "aws/111122223333/us-east-1", "element": None, "file": arn, "line": 0,
            "root": "aws/111122223333", "arn": arn, "account": "111122223333",
            "region": "us-east-1", "facts": {}, "fingerprint": "a" * 32, "suppression": None}],
        "live": {"accounts": ["111122223333"], "regions": ["us-east-1"], "services": [
            {"account": "111122223333", "region": "us-east-1", "service": "rds",
             "status": "not assessed", "reason": "AccessDenied on DescribeDBInstances"}]}}
    html = tmp_path / "report.html"
    completed = run_evidence_cli("report", write_json(tmp_path / "files.json", files),
                                 write_json(tmp_path / "account.json", account), "-o", html,
                                 "--today", "2026-12-06")
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == f"{html}: report of 2 scans\n"
    page = html.read_text(encoding="utf-8")
    assert page == render_html([files, account], today=TODAY)
    assert "Scope: examples, AWS account 111122223333" in page
    assert ('<tr data-root="aws/111122223333"><td><b>aws/111122223333</b></td>'
            '<td class="num">1</td><td class="num">1</td>') in page
    assert ("<tr><td>111122223333</td><td>us-east-1</td><td>rds</td>"
            "<td>AccessDenied on DescribeDBInstances</td></tr>") in page


def _without_inventory(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "inventory"}


def _row_with_a_text_line(document: dict) -> dict:
    row = {**document["inventory"][0], "line": "12"}
    return {**document, "inventory": [row, *document["inventory"][1:]]}


@pytest.mark.parametrize(("content", "message"), [
    (_without_inventory, "{path}: this scan JSON has no `inventory`, the passed checks the "
     "coverage figures are counted from: scan again with --include-passed"),
    (lambda document: '{"tool": "ephi-lint", "findings": [', "{path}: not JSON (Expecting "
     "value)"),
    (lambda document: "[" * 100_000, "{path}: not JSON (nested too deeply)"),
    (lambda document: {"version": "2.1.0", "runs": []}, "{path}: not an ephi-lint scan JSON "
     "(write one with `ephi-lint scan --format json --include-passed`)"),
    (_row_with_a_text_line, "{path}: inventory row 1: `line` is not a number"),
    (lambda document: {**document, "notices": "none"},
     "{path}: `notices` is not a list of objects"),
])
def test_a_scan_json_the_report_cannot_count_is_one_line_and_exit_2(
        tmp_path: Path, examples, content, message: str) -> None:
    produced = content(examples[0])
    path = tmp_path / "scan.json"
    path.write_text(produced if isinstance(produced, str) else json.dumps(produced))
    completed = run_evidence_cli("report", path, "-o", tmp_path / "report.html")
    assert only_error(completed) == "ephi-lint: error: " + message.format(path=path)
    assert not (tmp_path / "report.html").exists()


def test_report_usage_errors_are_one_line_and_exit_2(tmp_path: Path, examples) -> None:
    scan_json = write_json(tmp_path / "examples.json", examples[0])
    missing = tmp_path / "missing.json"
    assert only_error(run_evidence_cli("report", missing, "-o", tmp_path / "r.html")) == (
        f"ephi-lint: error: {missing}: no such file")
    assert only_error(run_evidence_cli("report", tmp_path, "-o", tmp_path / "r.html")) == (
        f"ephi-lint: error: {tmp_path}: not a regular file")
    assert only_error(run_evidence_cli("report", scan_json, "-o", tmp_path / "r.html",
                                       "--today", "6/12/2026")) == (
        "ephi-lint: error: --today '6/12/2026': expected a date as YYYY-MM-DD")
    unwritable = tmp_path / "no-such-folder" / "r.html"
    assert only_error(run_evidence_cli("report", scan_json, "-o", unwritable)) == (
        f"ephi-lint: error: cannot write {unwritable}: No such file or directory")


# --- evidence bundles ------------------------------------------------------------------


@pytest.fixture()
def keys(tmp_path: Path) -> tuple[Path, Path]:
    private, public = tmp_path / "signing.pem", tmp_path / "signing.pub"
    completed = run_evidence_cli("evidence", "keygen", "--private-key", private,
                                 "--public-key", public)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr.startswith(f"wrote {private} (private: keep it out of the "
                                       f"repository) and {public}; public key SHA256:")
    assert private.stat().st_mode & 0o777 == 0o600
    return private, public


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of a bundle whose entries pass through `change(name, data)`, which returns
    the entries to write instead ([] removes one)."""
    with zipfile.ZipFile(source) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in entries:
            for new_name, new_data in change(name, data):
                archive.writestr(new_name, new_data)
    return target


def flip_one_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1:]


def verify_lines(bundle: Path, public: Path, expected_code: int) -> list[str]:
    completed = run_evidence_cli("evidence", "verify", bundle, "--public-key", public)
    assert completed.returncode == expected_code, completed.stdout + completed.stderr
    assert completed.stderr == ""
    return completed.stdout.splitlines()


def test_bundle_of_the_examples_verifies_and_every_changed_member_is_named(
        tmp_path: Path, examples, keys: tuple[Path, Path]) -> None:
    document, sarif_log = examples
    private, public = keys
    scan_json = write_json(tmp_path / "examples.json", document)
    sarif_file = write_json(tmp_path / "examples.sarif", sarif_log)
    html = tmp_path / "report.html"
    assert run_evidence_cli("report", scan_json, "-o", html).returncode == 0
    config = tmp_path / "ephi-lint.yaml"
    config.write_text("forbid_inline_suppressions: true\n")
    bundle = tmp_path / "evidence.zip"
    completed = run_evidence_cli("evidence", "create", bundle, "--key", private,
                                 "--sarif", sarif_file, "--json", scan_json, "--html", html,
                                 f"config.yaml={config}")
    assert completed.returncode == 0, completed.stderr
    members = {"config.yaml": config, "report.html": html, "results.json": scan_json,
               "results.sarif": sarif_file}
    assert completed.stderr.startswith(f"{bundle}: 4 members (config.yaml, report.html, "
                                       "results.json, results.sarif) signed with key SHA256:")
    with zipfile.ZipFile(bundle) as archive:
        assert {name: archive.read(name) for name in members} == {
            name: path.read_bytes() for name, path in members.items()}
    fingerprint = completed.stderr.rsplit("key ", 1)[1].strip()
    assert verify_lines(bundle, public, 0) == [
        f"{bundle}: signature and 4 member digests verified (key {fingerprint})"]

    for name in members:
        tampered = rewrite(bundle, tmp_path / f"tampered-{name}.zip",
                           lambda entry, data, name=name: [
                               (entry, flip_one_byte(data) if entry == name else data)])
        lines = verify_lines(tampered, public, 1)
        assert lines[0] == f"{tampered}: NOT VERIFIED"
        assert [line.split(" (sha256")[0] for line in lines[1:]] == [f"  - changed: {name}"]

    added = rewrite(bundle, tmp_path / "added.zip", lambda entry, data: [(entry, data)] + (
        [("extra.txt", b"slipped in")] if entry == "results.json" else []))
    assert verify_lines(added, public, 1) == [
        f"{added}: NOT VERIFIED",
        "  - added: extra.txt is in the bundle but not in the manifest"]
    removed = rewrite(bundle, tmp_path / "removed.zip", lambda entry, data: [
        (entry, data)] if entry != "report.html" else [])
    assert verify_lines(removed, public, 1) == [
        f"{removed}: NOT VERIFIED",
        "  - removed: report.html is in the manifest but not in the bundle"]


def test_a_bundle_checked_with_another_key_is_named(tmp_path: Path, examples,
                                                    keys: tuple[Path, Path]) -> None:
    bundle = tmp_path / "evidence.zip"
    scan_json = write_json(tmp_path / "examples.json", examples[0])
    assert run_evidence_cli("evidence", "create", bundle, "--key", keys[0], "--json",
                            scan_json).returncode == 0
    other_private, other_public = tmp_path / "other.pem", tmp_path / "other.pub"
    assert run_evidence_cli("evidence", "keygen", "--private-key", other_private,
                            "--public-key", other_public).returncode == 0
    lines = verify_lines(bundle, other_public, 1)
    assert lines[0] == f"{bundle}: NOT VERIFIED"
    assert lines[1].startswith("  - signed with another key: the manifest names SHA256:")
    assert lines[2] == ("  - the signature does not match manifest.json with the key given: "
                        "the manifest was changed, or another key signed it")
    assert len(lines) == 3


def test_evidence_usage_errors_are_one_line_and_exit_2(tmp_path: Path,
                                                       keys: tuple[Path, Path]) -> None:
    private, public = keys
    bundle = tmp_path / "evidence.zip"
    member = tmp_path / "notes.txt"
    member.write_text("reviewed\n")
    assert only_error(run_evidence_cli("evidence", "keygen", "--private-key", private,
                                       "--public-key", tmp_path / "new.pub")) == (
        f"ephi-lint: error: {private} already exists: a key is never overwritten")
    assert only_error(run_evidence_cli("evidence", "create", bundle, "--key", private,
                                       f"../notes.txt={member}")) == (
        "ephi-lint: error: member name '../notes.txt' is not allowed: use a plain file name "
        "(letters, digits, . _ -), not manifest.json or manifest.sig")
    assert only_error(run_evidence_cli("evidence", "create", bundle, "--key", private,
                                       "--json", member, f"results.json={member}")) == (
        "ephi-lint: error: member results.json is given twice")
    assert only_error(run_evidence_cli("evidence", "create", bundle, "--key", private)) == (
        "ephi-lint: error: an evidence bundle needs at least one member")
    assert only_error(run_evidence_cli("evidence", "create", bundle, "--key", private,
                                       "--html", tmp_path / "gone.html")) == (
        f"ephi-lint: error: {tmp_path / 'gone.html'}: no such file")
    assert not bundle.exists()
    assert run_evidence_cli("evidence", "create", bundle, "--key", private,
                            f"notes.txt={member}").returncode == 0
    assert only_error(run_evidence_cli("evidence", "verify", bundle, "--public-key",
                                       private)) == (
        f"ephi-lint: error: {private}: this is a private key; verify with the public key")
    assert only_error(run_evidence_cli("evidence", "verify", tmp_path / "none.zip",
                                       "--public-key", public)) == (
        f"ephi-lint: error: {tmp_path / 'none.zip'}: no such file")
    assert only_error(run_evidence_cli("evidence", "diff", bundle, bundle)) == (
        f"ephi-lint: error: {bundle} holds no ephi-lint scan JSON to compare")


# --- diff ------------------------------------------------------------------------------


def test_diff_of_a_scan_before_and_after_one_fix_shows_exactly_that_change(
        tmp_path: Path, rules, keys: tuple[Path, Path]) -> None:
    private, public = keys
    bundles = []
    for name in ("before", "after"):
        folder = tmp_path / name
        shutil.copytree(REPOSITORY / "examples", folder)
        if name == "after":  # the practice turns rotation on for the backup key
            keys_tf = folder / KEYS_TF
            text = keys_tf.read_text(encoding="utf-8")
            assert text.count("enable_key_rotation = false") == 1
            keys_tf.write_text(text.replace("enable_key_rotation = false",
                                            "enable_key_rotation = true"), encoding="utf-8")
        document, _ = scan_outputs(".", folder)
        bundle = tmp_path / f"{name}.zip"
        completed = run_evidence_cli("evidence", "create", bundle, "--key", private,
                                     "--json", write_json(tmp_path / f"{name}.json", document))
        assert completed.returncode == 0, completed.stderr
        bundles.append(bundle)

    completed = run_evidence_cli("evidence", "diff", *bundles, "--public-key", public,
                                 "--format", "json")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert [(item["rule"], item["resource"], item["file"], item["line"], item["how"])
            for item in result["fixed"]] == [
        ("KEY-002", "aws_kms_key.backup", KEYS_TF.as_posix(), 109, "now passes")]
    assert result["regressed"] == []
    assert result["newly_excepted"] == []
    moved = {move["id"]: (move["before"], move["after"], move["covered"], move["total"])
             for move in result["metrics"] if move["change"]}
    assert moved == {"key-rotation": (75.0, 100.0, [3, 4], [4, 4])}
    failed_before, failed_after = result["summary"]["failed"]
    assert failed_after == failed_before - 1

    text = run_evidence_cli("evidence", "diff", *bundles, "--public-key", public)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == f"fixed: 1, regressed: 0, newly excepted: 0, still open: " \
                       f"{result['still_open']}"
    assert lines[1:4] == ["", "Fixed:", f"  KEY-002  aws_kms_key.backup  {KEYS_TF.as_posix()}"
                          ":109  (now passes)"]
    assert "  Keys that rotate automatically: 75.0% -> 100.0% (+25.0)" in lines


def test_diff_refuses_a_bundle_that_does_not_verify(tmp_path: Path, examples,
                                                    keys: tuple[Path, Path]) -> None:
    private, public = keys
    bundle = tmp_path / "evidence.zip"
    assert run_evidence_cli("evidence", "create", bundle, "--key", private, "--json",
                            write_json(tmp_path / "scan.json", examples[0])).returncode == 0
    tampered = rewrite(bundle, tmp_path / "tampered.zip", lambda name, data: [
        (name, flip_one_byte(data) if name == "results.json" else data)])
    error = only_error(run_evidence_cli("evidence", "diff", bundle, tampered,
                                        "--public-key", public))
    assert error.startswith(f"ephi-lint: error: {tampered}: NOT VERIFIED; changed: "
                            "results.json (sha256 ")
