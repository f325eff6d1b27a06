"""Evidence: signed bundles that name what changed, and the provenance of a scan (times,
rules digest, git state, input digests, redacted command line, SARIF fields)."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import jsonschema
import pytest

from linter import evidence, git_state, provenance
from linter.engine import catalogue_directory, load_rules
from linter.evidence import EvidenceError, create, keygen, verify
from linter.evidence_diff import diff, format_diff
from linter.metrics import inventory_json
from linter.pipeline import ScanRequest, scan
from linter.report import ScanReport, json_format, sarif

REPOSITORY = Path(__file__).resolve().parents[1]
MEMBERS = {"results.sarif": b'{"version": "2.1.0"}\n', "results.json": b'{"findings": []}\n',
           "report.html": b"<!doctype html><title>r</title>\n"}


@pytest.fixture()
def keys(tmp_path: Path) -> tuple[Path, Path]:
    private, public = tmp_path / "keys" / "signing.pem", tmp_path / "keys" / "signing.pub"
    private.parent.mkdir()
    keygen(private, public)
    return private, public


@pytest.fixture()
def bundle(tmp_path: Path, keys: tuple[Path, Path]) -> Path:
    path = tmp_path / "evidence.zip"
    create(path, MEMBERS, keys[0], created="2026-12-06T10:00:00Z")
    return path


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of a bundle with its entries passed through `change(name, data)`, which
    returns the entries to write instead ([] drops one)."""
    with zipfile.ZipFile(source) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in entries:
            for new_name, new_data in change(name, data):
                archive.writestr(new_name, new_data)
    return target


# --- keys and signing ---------------------------------------------------------------


def test_keygen_writes_a_private_key_only_its_owner_reads(keys: tuple[Path, Path]) -> None:
    private, public = keys
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert public.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    with pytest.raises(EvidenceError, match="never overwritten"):
        keygen(private, public.with_name("other.pub"))


def test_bundle_verifies_and_never_holds_the_private_key(bundle: Path,
                                                         keys: tuple[Path, Path]) -> None:
    result = verify(bundle, keys[1])
    assert result.ok, result.describe()
    assert result.failures == ()
    with zipfile.ZipFile(bundle) as archive:
        assert archive.namelist() == ["manifest.json", "manifest.sig", "report.html",
                                      "results.json", "results.sarif"]
        manifest = json.loads(archive.read("manifest.json"))
        signature = archive.read("manifest.sig")
    assert manifest["members"] == [
        {"name": name, "sha256": hashlib.sha256(MEMBERS[name]).hexdigest(),
         "bytes": len(MEMBERS[name])} for name in sorted(MEMBERS)]
    assert len(signature) == 64
    private_pem = keys[0].read_bytes()
    key_lines = [line for line in private_pem.splitlines() if not line.startswith(b"-----")]
    raw = bundle.read_bytes()
    assert all(line not in raw for line in key_lines)
    assert manifest["signature"]["public_key_sha256"] == result.manifest["signature"][
        "public_key_sha256"]


def test_a_member_holding_the_signing_key_is_refused(tmp_path: Path,
                                                     keys: tuple[Path, Path]) -> None:
    with pytest.raises(EvidenceError, match="contains the signing key"):
        create(tmp_path / "b.zip", {"notes.txt": keys[0].read_bytes()}, keys[0])
    assert not (tmp_path / "b.zip").exists()


@pytest.mark.parametrize("name", ["../escape.json", "/etc/passwd", "a/b.json", "manifest.json",
                                  "manifest.sig", ".hidden", "x\\y"])
def test_member_names_must_be_plain(tmp_path: Path, keys: tuple[Path, Path], name: str) -> None:
    with pytest.raises(EvidenceError, match="is not allowed"):
        create(tmp_path / "b.zip", {name: b"x"}, keys[0])


def test_a_changed_byte_is_named(tmp_path: Path, bundle: Path, keys: tuple[Path, Path]) -> None:
    tampered = rewrite(bundle, tmp_path / "t.zip", lambda name, data: [
        (name, data.replace(b"[]", b"[1]") if name == "results.json" else data)])
    result = verify(tampered, keys[1])
    assert not result.ok
    changed = hashlib.sha256(b'{"findings": [1]}\n').hexdigest()
    assert result.failures == (
        f"changed: results.json (sha256 {changed}, the manifest says "
        f"{hashlib.sha256(MEMBERS['results.json']).hexdigest()})",)


def test_added_and_removed_members_are_named(tmp_path: Path, bundle: Path,
                                             keys: tuple[Path, Path]) -> None:
    def change(name: str, data: bytes):
        if name == "report.html":
            return []
        if name == "results.sarif":
            return [(name, data), ("extra.txt", b"slipped in")]
        return [(name, data)]

    result = verify(rewrite(bundle, tmp_path / "t.zip", change), keys[1])
    assert result.failures == (
        "removed: report.html is in the manifest but not in the bundle",
        "added: extra.txt is in the bundle but not in the manifest")


def test_a_rewritten_manifest_breaks_the_signature(tmp_path: Path, bundle: Path,
                                                   keys: tuple[Path, Path]) -> None:
    forged_member = b'{"findings": [], "forged": true}\n'

    def change(name: str, data: bytes):
        if name == "results.json":
            return [(name, forged_member)]
        if name == "manifest.json":
            manifest = json.loads(data)
            for entry in manifest["members"]:
                if entry["name"] == "results.json":
                    entry.update(sha256=hashlib.sha256(forged_member).hexdigest(),
                                 bytes=len(forged_member))
            return [(name, json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n")]
        return [(name, data)]

    result = verify(rewrite(bundle, tmp_path / "t.zip", change), keys[1])
    assert result.failures == ("the signature does not match manifest.json with the key "
                               "given: the manifest was changed, or another key signed it",)


def test_another_key_is_named(tmp_path: Path, bundle: Path) -> None:
    other_private, other_public = tmp_path / "other.pem", tmp_path / "other.pub"
    other = keygen(other_private, other_public)
    result = verify(bundle, other_public)
    signer = json.loads(zipfile.ZipFile(bundle).read("manifest.json"))["signature"][
        "public_key_sha256"]
    assert result.failures == (
        f"signed with another key: the manifest names {signer}, the key given is {other}",
        "the signature does not match manifest.json with the key given: the manifest was "
        "changed, or another key signed it")


def test_verify_refuses_a_private_key(bundle: Path, keys: tuple[Path, Path]) -> None:
    with pytest.raises(EvidenceError, match="this is a private key"):
        verify(bundle, keys[0])


def _hostile_zip(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return path


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_hostile_archives_are_never_extracted(tmp_path: Path, bundle: Path,
                                              keys: tuple[Path, Path],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    with zipfile.ZipFile(bundle) as archive:
        good = [(name, archive.read(name)) for name in archive.namelist()]
    link = zipfile.ZipInfo("link.json")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    cases = {
        "traversal": ([("../../escaped.json", b"{}")],
                      "unsafe member name '../../escaped.json' (a path, `..` or an odd "
                      "character)"),
        "absolute": ([("/tmp/abs.json", b"{}")],
                     "unsafe member name '/tmp/abs.json' (a path, `..` or an odd character)"),
        "symlink": ([(link, b"/etc/passwd")], "member 'link.json' is a symbolic link"),
        "duplicate": ([("results.json", b'{"findings": ["shadow"]}')],
                      "member 'results.json' appears twice"),
    }
    for label, (extra, expected) in cases.items():
        hostile = _hostile_zip(tmp_path / f"{label}.zip", [*good, *extra])
        result = verify(hostile, keys[1])
        assert expected in result.failures, (label, result.failures)
    assert not (tmp_path.parent / "escaped.json").exists()
    assert not Path("/tmp/abs.json").exists()

    monkeypatch.setattr(evidence, "MAX_MEMBER_BYTES", 10)
    result = verify(bundle, keys[1])
    assert "member 'results.sarif' is too large (21 bytes)" in result.failures

    not_zip = tmp_path / "not.zip"
    not_zip.write_bytes(b"PK\x03\x04 truncated")
    assert verify(not_zip, keys[1]).failures[0].startswith(
        "cannot be read as a zip archive: BadZipFile")


def test_a_zip_bomb_is_read_only_up_to_the_limit(tmp_path: Path, keys: tuple[Path, Path],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # 64 MB of zeros compress to about 64 kB.
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", b"{}")
        archive.writestr("zeros.json", b"\0" * (64 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    monkeypatch.setattr(evidence, "MAX_MEMBER_BYTES", 1024)
    assert "member 'zeros.json' is too large (67108864 bytes)" in verify(path, keys[1]).failures

    # The same bomb whose central directory claims 10 bytes: reading stops there.
    raw = bytearray(path.read_bytes())
    entry = raw.index(b"PK\x01\x02")  # central directory entries: name at +46
    while raw[entry + 46:entry + 56] != b"zeros.json":
        entry = raw.index(b"PK\x01\x02", entry + 1)
    raw[entry + 24:entry + 28] = (10).to_bytes(4, "little")
    lying = tmp_path / "lying.zip"
    lying.write_bytes(bytes(raw))
    failures = verify(lying, keys[1]).failures
    assert failures[0].startswith("cannot be read as a zip archive: BadZipFile"), failures


# --- diff ---------------------------------------------------------------------------

BEFORE = ('resource "aws_kms_key" "phi" {\n  enable_key_rotation = false\n}\n\n'
          'resource "aws_kms_key" "ok" {\n  enable_key_rotation = true\n}\n')
AFTER = ('resource "aws_kms_key" "phi" {\n  enable_key_rotation = true\n}\n\n'
         'resource "aws_kms_key" "ok" {\n  enable_key_rotation = true\n}\n\n'
         'resource "aws_ebs_volume" "scratch" {\n  availability_zone = "us-east-1a"\n'
         "  size = 10\n  encrypted = false\n}\n")


def _scan_document(folder: Path, text: str) -> bytes:
    folder.mkdir()
    (folder / "main.tf").write_text(text)
    rules = [rule for rule in load_rules([catalogue_directory("rules")])
             if rule.id in ("KEY-002", "ENC-002")]
    result = scan(ScanRequest(paths=[folder], root=folder, rules=rules))
    document = json.loads(json_format.render(ScanReport(result)))
    document["inventory"] = inventory_json(result.outcomes, ["."])
    return json.dumps(document).encode()


def test_diff_names_fixed_and_regressed_findings_and_metric_moves(
        tmp_path: Path, keys: tuple[Path, Path]) -> None:
    old, new = tmp_path / "old.zip", tmp_path / "new.zip"
    create(old, {"results.json": _scan_document(tmp_path / "before", BEFORE)}, keys[0])
    create(new, {"results.json": _scan_document(tmp_path / "after", AFTER)}, keys[0])
    result = diff(old, new, keys[1])
    assert [(item["rule"], item["resource"], item["line"], item["how"])
            for item in result["fixed"]] == [("KEY-002", "aws_kms_key.phi", 2, "now passes")]
    assert [(item["rule"], item["resource"], item["line"], item["how"])
            for item in result["regressed"]] == [
        ("ENC-002", "aws_ebs_volume.scratch", 12, "new resource or rule")]
    rotation = next(move for move in result["metrics"] if move["id"] == "key-rotation")
    assert (rotation["before"], rotation["after"], rotation["change"]) == (50.0, 100.0, 50.0)
    text = format_diff(result)
    assert "  KEY-002  aws_kms_key.phi  main.tf:2  (now passes)" in text
    assert "  Keys that rotate automatically: 50.0% -> 100.0% (+50.0)" in text


def test_diff_refuses_a_bundle_that_does_not_verify(tmp_path: Path, bundle: Path,
                                                    keys: tuple[Path, Path]) -> None:
    tampered = rewrite(bundle, tmp_path / "t.zip", lambda name, data: [
        (name, b"{}" if name == "results.json" else data)])
    with pytest.raises(EvidenceError, match="changed: results.json"):
        diff(bundle, tampered, keys[1])


# --- provenance ---------------------------------------------------------------------

GIT_IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.org",
                "-c", "commit.gpgsign=false"]


def git(folder: Path, *args: str) -> str:
    completed = subprocess.run(["git", *GIT_IDENTITY, *args], cwd=folder, check=True,
                               capture_output=True, text=True,
                               env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull})
    return completed.stdout.strip()


@pytest.fixture()
def repository(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = tmp_path / "repo"
    (folder / "infra").mkdir(parents=True)
    (folder / "infra" / "main.tf").write_text(BEFORE)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "remote", "add", "origin", "https://ci-bot:s3cr3t-t0ken@git.example.org/clinic/"
        "infra.git")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "first")
    return folder


def test_git_state_reads_the_commit_and_the_dirty_state(repository: Path) -> None:
    head = git(repository, "rev-parse", "HEAD")
    state = git_state.git_state(repository / "infra")
    assert state == {"commit": head, "branch": "main",
                     "remote": "https://git.example.org/clinic/infra.git",
                     "dirty": False, "changed_files": 0}
    (repository / "infra" / "main.tf").write_text(AFTER)
    (repository / "infra" / "new.tf").write_text("# new\n")
    assert git_state.git_state(repository / "infra")["dirty"] is True
    assert git_state.git_state(repository / "infra")["changed_files"] == 2


def test_git_state_after_packing_and_detaching(repository: Path) -> None:
    head = git(repository, "rev-parse", "HEAD")
    git(repository, "pack-refs", "--all")
    assert git_state.git_state(repository)["commit"] == head
    git(repository, "checkout", "-q", "--detach")
    state = git_state.git_state(repository)
    assert (state["commit"], state["branch"]) == (head, None)


def test_no_git_repository_is_a_reason_not_a_failure(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    assert git_state.git_state(tmp_path / "plain") == {
        "commit": None, "reason": "not in a git repository"}


def test_git_runs_nothing_the_scanned_repository_configures(repository: Path,
                                                            tmp_path: Path) -> None:
    """A scanned tree's .git/config can name programs (fsmonitor, clean filters, hooks)
    that a plain `git status` runs: provenance must not run them."""
    marker = tmp_path / "executed"
    script = tmp_path / "hostile.sh"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" >> {marker}\ncat\n")
    script.chmod(0o755)
    git(repository, "config", "core.fsmonitor", str(script))
    git(repository, "config", "filter.evil.clean", str(script))
    git(repository, "config", "filter.evil.process", str(script))
    (repository / ".gitattributes").write_text("*.tf filter=evil\n")
    hooks = repository / ".git" / "hooks"
    (hooks / "post-index-change").write_text(f"#!/bin/sh\ntouch {marker}\n")
    (hooks / "post-index-change").chmod(0o755)
    (repository / "infra" / "main.tf").write_text(AFTER)  # stat changes: filters would run

    subprocess.run(["git", "status", "--porcelain"], cwd=repository, capture_output=True,
                   env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull}, check=False)
    assert marker.exists(), "the hostile setup must be one a plain git status runs"
    marker.unlink()

    state = git_state.git_state(repository / "infra")
    assert not marker.exists(), marker.read_text()
    assert state["commit"] == git(repository, "rev-parse", "HEAD")
    assert state["dirty"] is True


def test_git_status_started_mid_scan_gives_the_same_state(repository: Path,
                                                          tmp_path: Path) -> None:
    """GitStates.advance (called once a scan knows its inputs) starts `git status` for each
    root whose `git config` is done, without waiting: the same state, and the filters the
    config names are still switched off."""
    import time

    marker = tmp_path / "executed"
    script = tmp_path / "hostile.sh"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" >> {marker}\ncat\n")
    script.chmod(0o755)
    git(repository, "config", "filter.evil.clean", str(script))
    (repository / ".gitattributes").write_text("*.tf filter=evil\n")
    (repository / "infra" / "main.tf").write_text(AFTER)
    states = git_state.GitStates([repository / "infra", tmp_path])
    states.advance()  # git config may still run: nothing waits, nothing fails
    deadline = time.monotonic() + 10
    while states._probes[0].status is None and time.monotonic() < deadline:
        time.sleep(0.01)
        states.advance()
    assert states._probes[0].status is not None
    assert states.result() == [git_state.git_state(repository / "infra"),
                               {"commit": None, "reason": "not in a git repository"}]
    assert states.result()[0]["dirty"] is True
    assert not marker.exists()


def test_git_config_runs_only_when_the_repository_could_name_a_filter(
        repository: Path, tmp_path: Path) -> None:
    """A repository whose own config names no filter and includes nothing gets one git
    process (status, started at once); a filter reached through an include is still
    switched off."""
    plain = git_state.GitStates([repository / "infra"])
    assert plain._probes[0].filters is None and plain._probes[0].status is not None
    assert plain.result() == [git_state.git_state(repository / "infra")]

    marker = tmp_path / "executed"
    script = tmp_path / "hostile.sh"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" >> {marker}\ncat\n")
    script.chmod(0o755)
    included = tmp_path / "included.gitconfig"
    included.write_text(f"[filter \"evil\"]\n\tclean = {script}\n")
    git(repository, "config", "include.path", str(included))
    (repository / ".gitattributes").write_text("*.tf filter=evil\n")
    (repository / "infra" / "main.tf").write_text(AFTER)
    hostile = git_state.GitStates([repository / "infra"])
    assert hostile._probes[0].filters is not None
    assert hostile.result()[0]["dirty"] is True
    assert not marker.exists()


def test_collect_records_inputs_rules_and_redacted_command_line(repository: Path) -> None:
    import datetime

    rules_directory = catalogue_directory("rules")
    main_tf = repository / "infra" / "main.tf"
    started = datetime.datetime(2026, 12, 6, 9, 30, tzinfo=datetime.timezone.utc)
    record = provenance.collect(
        started=started, finished=started + datetime.timedelta(seconds=2),
        roots=[repository / "infra"], inputs=[(main_tf, "infra/main.tf")],
        rule_directories=[rules_directory], display_root=repository,
        argv=["ephi-lint", "scan", "infra", "--var", "db_password=hunter2",
              "--var", "region=us-east-1", "--token", "tok-123", "--api-key=k-456"])
    assert record["started"] == "2026-12-06T09:30:00.000000Z"
    assert record["finished"] == "2026-12-06T09:30:02.000000Z"
    assert record["inputs"] == [{"path": "infra/main.tf", "bytes": len(BEFORE),
                                 "sha256": hashlib.sha256(BEFORE.encode()).hexdigest()}]
    assert record["command_line"] == ["ephi-lint", "scan", "infra", "--var",
                                      "db_password=***", "--var", "region=us-east-1",
                                      "--token", "***", "--api-key=***"]
    assert record["roots"][0]["path"] == "infra"
    assert record["roots"][0]["git"]["commit"] == git(repository, "rev-parse", "HEAD")
    # The catalogue digest, recomputed as its docstring says (the sha256sum form).
    lines = sorted((f"{hashlib.sha256(path.read_bytes()).hexdigest()}  "
                    f"{path.relative_to(rules_directory).as_posix()}\n"
                    for path in rules_directory.rglob("*.yaml")),
                   key=lambda line: line.split("  ", 1)[1])
    assert record["rules"]["sha256"] == hashlib.sha256("".join(lines).encode()).hexdigest()
    assert record["rules"]["files"] == len(lines)
    assert "hunter2" not in json.dumps(record) and "s3cr3t" not in json.dumps(record)


def test_secret_values_in_urls_and_names_are_redacted() -> None:
    assert provenance.redact_command_line([
        "--cfn-param", "MasterUserPassword=Pa55word", "--rules",
        "https://user:pa55@rules.example.org/x", "--password=abc"]) == [
        "--cfn-param", "MasterUserPassword=***", "--rules",
        "https://user:***@rules.example.org/x", "--password=***"]
    assert git_state.strip_credentials("ssh://git@host/org/repo.git") == \
        "ssh://git@host/org/repo.git"


def test_sarif_fields_are_schema_valid(repository: Path, sarif_schema: dict) -> None:
    import datetime

    rules = [rule for rule in load_rules([catalogue_directory("rules")])
             if rule.id == "KEY-002"]
    started = datetime.datetime.now(datetime.timezone.utc)
    result = scan(ScanRequest(paths=[repository / "infra"], root=repository, rules=rules))
    record = provenance.collect(
        started=started, finished=datetime.datetime.now(datetime.timezone.utc),
        roots=[repository / "infra"],
        inputs=[(repository / "infra" / "main.tf", "infra/main.tf")],
        rule_directories=[catalogue_directory("rules")], display_root=repository,
        argv=["ephi-lint", "scan", "infra", "--format", "sarif"],
        live=provenance.live_context(account_id="111122223333",
                                     caller_arn="arn:aws:sts::111122223333:assumed-role/"
                                                "ephi-lint-scan/ci",
                                     regions=["us-east-1"],
                                     services=[{"account": "111122223333",
                                                "region": "us-east-1", "service": "s3",
                                                "status": "read"}]))
    document = sarif.build(ScanReport(result), repository)
    run = document["runs"][0]
    run["invocations"][0].update(provenance.sarif_invocation(record))
    run["versionControlProvenance"] = provenance.sarif_version_control(record)
    run["artifacts"] = provenance.sarif_artifacts(record)
    validator = jsonschema.Draft4Validator(sarif_schema, format_checker=jsonschema.FormatChecker())
    assert [error.message for error in validator.iter_errors(document)] == []
    assert run["versionControlProvenance"] == [{
        "repositoryUri": "https://git.example.org/clinic/infra.git",
        "revisionId": git(repository, "rev-parse", "HEAD"), "branch": "main",
        "properties": {"dirty": False, "root": "infra"}}]
    assert run["invocations"][0]["commandLine"] == "ephi-lint scan infra --format sarif"
    assert run["artifacts"][0]["hashes"]["sha-256"] == hashlib.sha256(
        BEFORE.encode()).hexdigest()


def test_scp_style_remotes_become_uris() -> None:
    record = {"roots": [{"path": ".", "git": {"commit": "a" * 40,
                                              "remote": "git@github.com:clinic/infra.git"}}]}
    assert provenance.sarif_version_control(record)[0]["repositoryUri"] == \
        "ssh://git@github.com/clinic/infra.git"


def test_bundle_members_are_read_in_memory(bundle: Path) -> None:
    # read_bundle returns bytes and writes nothing next to the bundle.
    before = sorted(path.name for path in bundle.parent.iterdir())
    members = evidence.read_bundle(bundle)
    assert members["results.json"] == MEMBERS["results.json"]
    assert sorted(path.name for path in bundle.parent.iterdir()) == before
    assert isinstance(io.BytesIO(members["report.html"]).read(), bytes)


@pytest.mark.parametrize("nanoseconds", [0, 1_765_000_000_123_456_789, 1_765_000_000_999_999_999,
                                         1_765_000_001_000_000_000])
def test_a_timestamp_in_nanoseconds_is_written_as_its_datetime_is(nanoseconds: int) -> None:
    moment = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) \
        + datetime.timedelta(microseconds=nanoseconds // 1000)
    assert provenance.timestamp(nanoseconds) == provenance.timestamp(moment)
    assert provenance.timestamp(nanoseconds).endswith("Z")
