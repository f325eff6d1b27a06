"""A simulated organization of 50 accounts x 4 Regions, scanned whole and in four shards
(four `ephi-lint aws` processes, as an Indexed Job or a CI matrix runs them), then merged.

moto's Organizations API creates the accounts and its STS maps an assumed role's
credentials to the account in the role's ARN (tests/test_live_accounts.py), so every
member account holds its own buckets and keys. The merged shards must equal the
unsharded scan; a shard killed half-way (no output) or one whose units could not all
be read makes `ephi-lint merge` fail, naming the shard.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from linter.config import Shard
from tests.live_helpers import through_stand_in
from tests.live_server import FAKE_ENVIRONMENT, MotoServer, client

ROOT = Path(__file__).resolve().parents[1]
ROLE = "ephi-lint-scan"
ACCOUNTS = 50
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")
SHARDS = 4
RULES = ("BAK-004", "KEY-002")  # S3 versioning, KMS key rotation: a few calls per unit

def _member_session(account: str) -> Any:
    """A seeding session inside `account`, through an assumed role (moto's isolation)."""
    import boto3

    credentials = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed")["Credentials"]
    return boto3.session.Session(aws_access_key_id=credentials["AccessKeyId"],
                                 aws_secret_access_key=credentials["SecretAccessKey"],
                                 aws_session_token=credentials["SessionToken"])


@pytest.fixture(scope="module")
def organization(moto_server: MotoServer) -> dict[str, Any]:
    """50 member accounts; in each Region of each, one bucket and one key, every other
    one unversioned or unrotated (so findings come from every account and Region)."""
    moto_server.reset()
    organizations = client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    members = [organizations.create_account(
        Email=f"clinic-{number}@example.org", AccountName=f"clinic-{number}")[
        "CreateAccountStatus"]["AccountId"] for number in range(ACCOUNTS)]
    expected: set[tuple[str, str]] = set()
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    for number, account in enumerate(members):
        session = _member_session(account)
        # One S3 client serves every Region (the bucket's Region is in the request).
        s3 = session.client("s3", region_name="us-east-1", endpoint_url=endpoint)
        for position, region in enumerate(REGIONS):
            kms = session.client("kms", region_name=region, endpoint_url=endpoint)
            bucket = f"phi-{account}-{region}"
            options = ({} if region == "us-east-1"
                       else {"CreateBucketConfiguration": {"LocationConstraint": region}})
            s3.create_bucket(Bucket=bucket, **options)
            key = kms.create_key(Description="phi")["KeyMetadata"]["Arn"]
            if (number + position) % 2:
                s3.put_bucket_versioning(Bucket=bucket,
                                         VersioningConfiguration={"Status": "Enabled"})
                kms.enable_key_rotation(KeyId=key)
            else:
                expected |= {("BAK-004", f"arn:aws:s3:::{bucket}"), ("KEY-002", key)}
    return {"members": members, "expected": expected}


def _environment(endpoint: str, **extra: str) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith(("EPHI_LINT_", "AWS_"))
                   and name != "JOB_COMPLETION_INDEX"}
    return {**environment, **FAKE_ENVIRONMENT, "AWS_ENDPOINT_URL": endpoint,
            "PYTHONPATH": str(ROOT), **extra}


def _start(folder: Path, name: str, endpoint: str, *options: str,
           **extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "linter.cli", "aws", "--org-role", ROLE, *options,
               "--regions", ",".join(REGIONS), "--services", "s3,kms", "--quiet",
               *(part for rule in RULES for part in ("--include-rule", rule)),
               "-o", f"sarif={folder / f'{name}.sarif'}", "-o", f"json={folder / f'{name}.json'}"]
    return subprocess.Popen(command, env=_environment(endpoint, **extra), cwd=folder,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen[str]) -> int:
    _, stderr = process.communicate(timeout=600)
    assert process.returncode in (0, 1), stderr
    return process.returncode


def _results(path: Path) -> set[tuple[str, str, str]]:
    run = json.loads(path.read_text())["runs"][0]
    return {(result["ruleId"], result["partialFingerprints"]["ephiLint/v1"],
             result["message"]["text"]) for result in run["results"]}


def _findings(path: Path) -> set[tuple[str, str]]:
    return {(item["rule"], item["resource"]) for item in json.loads(path.read_text())["findings"]}


def _merge(folder: Path, *names: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "linter.cli", "merge",
                           *(f"{name}.sarif" for name in names), "-o", "merged.sarif"],
                          cwd=folder, env=_environment("http://127.0.0.1:9"),
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def scans(organization: dict[str, Any], moto_server: MotoServer,
          tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The serial scan, then the four shards at once (JOB_COMPLETION_INDEX as an Indexed
    Job sets it for shards 1 and 2, EPHI_LINT_SHARD for 3, --shard for 4), with wall
    times."""
    folder = tmp_path_factory.mktemp("org")
    started = time.perf_counter()
    _finish(_start(folder, "whole", moto_server.url))
    serial = time.perf_counter() - started
    started = time.perf_counter()
    sources: list[tuple[tuple[str, ...], dict[str, str]]] = [
        ((), {"JOB_COMPLETION_INDEX": "0", "EPHI_LINT_SHARD_TOTAL": str(SHARDS)}),
        ((), {"JOB_COMPLETION_INDEX": "1", "EPHI_LINT_SHARD_TOTAL": str(SHARDS)}),
        ((), {"EPHI_LINT_SHARD": f"3/{SHARDS}"}),
        (("--shard", f"4/{SHARDS}"), {})]
    shards = [_start(folder, f"shard-{index}", moto_server.url, *options, **variables)
              for index, (options, variables) in enumerate(sources, start=1)]
    for process in shards:
        _finish(process)
    sharded = time.perf_counter() - started
    print(f"\n50 x 4 organization, s3+kms: serial {serial:.1f}s, "
          f"{SHARDS} shards {sharded:.1f}s", file=sys.stderr)
    return {"folder": folder, "serial": serial, "sharded": sharded}


def test_the_unsharded_scan_reads_every_account_and_region(
        organization: dict[str, Any], scans: dict[str, Any]) -> None:
    folder = scans["folder"]
    assert _findings(folder / "whole.json") == {
        (rule, resource) for rule, resource in organization["expected"]}
    live = json.loads((folder / "whole.json").read_text())["live"]
    # management account + 50 members, each s3 and kms in 4 Regions.
    assert len(live["accounts"]) == ACCOUNTS + 1
    assert {(unit["region"], unit["service"], unit["status"]) for unit in live["services"]
            } == {(region, service, "read") for region in REGIONS for service in ("kms", "s3")}
    assert "shard" not in live


def test_four_shards_split_the_units_and_merge_into_the_unsharded_result(
        organization: dict[str, Any], scans: dict[str, Any]) -> None:
    folder = scans["folder"]
    whole = json.loads((folder / "whole.json").read_text())["live"]
    every_unit = sorted(f"{unit['account']}/{unit['region']}/{unit['service']}"
                        for unit in whole["services"])
    assert len(every_unit) == (ACCOUNTS + 1) * len(REGIONS) * 2
    manifests = [json.loads((folder / f"shard-{index}.json").read_text())["live"]["shard"]
                 for index in range(1, SHARDS + 1)]
    assert [(item["index"], item["total"], item["status"]) for item in manifests] == [
        (index, SHARDS, "complete") for index in range(1, SHARDS + 1)]
    # Disjoint, together every unit, and each shard got a fair part of the 408.
    assert sorted(unit for item in manifests for unit in item["units"]) == every_unit
    assert all(len(item["units"]) > len(every_unit) // (2 * SHARDS) for item in manifests)
    assert sorted(_findings(folder / f"shard-{index}.json")
                  for index in range(1, SHARDS + 1)) != []
    assert set().union(*(_findings(folder / f"shard-{index}.json")
                         for index in range(1, SHARDS + 1))) == _findings(folder / "whole.json")
    merged = _merge(folder, *(f"shard-{index}" for index in range(1, SHARDS + 1)))
    assert merged.returncode == 0, merged.stderr
    assert _results(folder / "merged.sarif") == _results(folder / "whole.sarif")
    invocation = json.loads((folder / "merged.sarif").read_text())["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["properties"]["live"]["shards"] == ["1/4", "2/4", "3/4", "4/4"]
    assert invocation["properties"]["live"]["units"] == every_unit


def test_a_killed_shard_makes_the_merge_fail_and_name_it(
        organization: dict[str, Any], scans: dict[str, Any], moto_server: MotoServer) -> None:
    folder = scans["folder"]
    killed = _start(folder, "killed-3", moto_server.url, EPHI_LINT_SHARD=f"3/{SHARDS}")
    time.sleep(1.0)  # started, reading or still importing: either way it writes nothing
    os.kill(killed.pid, signal.SIGKILL)
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert not (folder / "killed-3.sarif").exists()
    (folder / "merged.sarif").unlink(missing_ok=True)
    # What a CI merge step sees: the outputs that exist (shard-*.sarif, killed-*.sarif).
    merged = _merge(folder, "shard-1", "shard-2", "shard-4",
                    *(path.stem for path in folder.glob("killed-*.sarif")))
    assert merged.returncode == 2
    assert ("ephi-lint: error: shard 3/4 is missing (given: 1/4, 2/4, 4/4): its units were "
            "not read or its output was lost; rerun it and merge every shard") in merged.stderr
    assert not (folder / "merged.sarif").exists()  # no partial result to upload


def test_a_shard_whose_units_failed_makes_the_merge_fail_and_name_it(
        organization: dict[str, Any], scans: dict[str, Any], moto_server: MotoServer) -> None:
    folder = scans["folder"]
    with through_stand_in(moto_server, deny_operations={"kms:ListKeys"}) as stand_in:
        failed = _start(folder, "failed-2", stand_in.url, EPHI_LINT_SHARD=f"2/{SHARDS}")
        _, stderr = failed.communicate(timeout=600)
    assert failed.returncode == 2, stderr  # its kms units were not assessed
    manifest = json.loads((folder / "failed-2.json").read_text())["live"]["shard"]
    assert (manifest["index"], manifest["status"]) == (2, "failed")
    (folder / "merged.sarif").unlink(missing_ok=True)
    merged = _merge(folder, "shard-1", "failed-2", "shard-3", "shard-4")
    assert merged.returncode == 2
    assert ("ephi-lint: error: shard 2/4 (failed-2.sarif) failed: some of its units were not "
            "assessed") in merged.stderr
    assert not (folder / "merged.sarif").exists()


def test_shards_of_different_scans_are_not_merged(tmp_path: Path) -> None:
    from linter.merge import SarifError, check_shards

    def shard(index: int, total: int, units: list[str], services: list[str]) -> dict[str, Any]:
        manifest = {"index": index, "total": total, "status": "complete", "units": units,
                    "scope": {"accounts": ["111111111111"], "regions": ["us-east-1"],
                              "services": services, "rules": "r"}}
        return {"live": {"shard": manifest}}

    one = shard(1, 2, ["111111111111/us-east-1/s3"], ["kms", "s3"])
    with pytest.raises(SarifError, match=r"shard 2/3 \(b\): one of 3 shards, but a is one "
                                         "of 2"):
        check_shards([("a", one), ("b", shard(2, 3, [], ["kms", "s3"]))])
    with pytest.raises(SarifError, match=r"shard 2/2 \(b\): scanned 1 account\(s\) in "
                                         "us-east-1 for s3 "):
        check_shards([("a", one), ("b", shard(2, 2, [], ["s3"]))])
    with pytest.raises(SarifError, match="shard 2/2 .b. and shard 1/2 both read "
                                         "111111111111/us-east-1/s3"):
        check_shards([("a", one), ("b", shard(2, 2, ["111111111111/us-east-1/s3"],
                                               ["kms", "s3"]))])
    with pytest.raises(SarifError, match="c: not the output of a live-scan shard"):
        check_shards([("a", one), ("c", {"runs": []})])
    assert check_shards([("c", {"runs": []})]) == []  # file-scan shards: nothing to count


def test_the_shard_comes_from_the_request_or_the_environment() -> None:
    from linter.live.scan import resolve_shard

    assert resolve_shard("2/4", {"EPHI_LINT_SHARD": "1/2"}) == Shard(2, 4)
    assert resolve_shard(None, {"EPHI_LINT_SHARD": "1/2"}) == Shard(1, 2)
    assert resolve_shard(None, {"JOB_COMPLETION_INDEX": "0",
                                "EPHI_LINT_SHARD_TOTAL": "3"}) == Shard(1, 3)
    # An Indexed Job that does not shard ephi-lint sets no total: the whole scan.
    assert resolve_shard(None, {"JOB_COMPLETION_INDEX": "5"}) is None
    with pytest.raises(ValueError, match="EPHI_LINT_SHARD: --shard '3/2': expected K/N"):
        resolve_shard(None, {"EPHI_LINT_SHARD": "3/2"})
    with pytest.raises(ValueError, match="EPHI_LINT_SHARD_TOTAL='3' needs "
                                         "JOB_COMPLETION_INDEX .0-based, below the total., "
                                         "got '3'"):
        resolve_shard(None, {"JOB_COMPLETION_INDEX": "3", "EPHI_LINT_SHARD_TOTAL": "3"})


def test_a_trail_and_the_stores_it_is_compared_with_stay_in_one_shard() -> None:
    from linter.engine import catalogue_directory
    from linter.engine import load_rules as engine_rules
    from linter.live.scan import holds_unit, related_services, unit_key
    from linter.live.services import judged_fields, selected_services, store_services

    rules = [rule for rule in engine_rules([catalogue_directory("rules")])
             if rule.id in ("KEY-006", "KEY-002")]
    services = selected_services(rules, None)
    related = related_services(services, judged_fields(rules))
    assert "cloudtrail" in related and store_services() <= related and "kms" not in related
    owners = {index for index in range(1, 5) for region in REGIONS
              for service in ("cloudtrail", "s3", "rds")
              if holds_unit(Shard(index, 4), unit_key("111111111111", region, service,
                                                      related))}
    assert len(owners) == 1
    rules = [rule for rule in rules if rule.id == "KEY-002"]
    assert related_services(selected_services(rules, None), judged_fields(rules)) == set()


def test_service_limits_give_one_bounded_slot_per_account_and_service() -> None:
    from linter.live.scan import ServiceLimits

    limits = ServiceLimits(2)
    slot = limits.slot("111111111111", "s3")
    assert limits.slot("111111111111", "s3") is slot
    assert limits.slot("222222222222", "s3") is not slot
    assert limits.slot("111111111111", "kms") is not slot
    assert slot.acquire(blocking=False) and slot.acquire(blocking=False)
    assert not slot.acquire(blocking=False)  # a third unit of s3 in the account waits
    slot.release()
    slot.release()
    assert ServiceLimits(0).limit == 1


def test_the_summary_line_names_the_shard() -> None:
    from linter.live.progress import summary
    from linter.live.scan import LiveScanResult, ShardManifest, UnitReport

    result = LiveScanResult(rules=[], account="111111111111", regions=["us-east-1"],
                            units=[UnitReport("us-east-1", "s3", resources=2,
                                              account="111111111111")])
    result.shard = ShardManifest(2, 4, {}, ["111111111111/us-east-1/s3"])
    assert summary(result) == (
        "aws 111111111111 in us-east-1: resources: s3 2; 0 API calls, 0 retried; shard 2/4: "
        "1 of the scan's units, complete; merge the outputs of all 4 shards")
