"""`ephi-lint aws --org-role`: an organization's accounts, each through an assumed role.

moto isolates accounts: sts.assume_role into `arn:aws:iam::ID:role/NAME` returns
credentials that moto maps to account ID (the role need not exist), so each member
account is seeded through its own assumed credentials and holds its own resources.
moto does not evaluate IAM or trust policies, so the loopback `StandIn` in front of
moto for STS only (AWS_ENDPOINT_URL_STS) answers AccessDenied to AssumeRole into the
account whose role cannot be assumed; every other request reaches moto.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.live_helpers import findings, run_aws, through_stand_in
from tests.live_server import Call, MotoServer, StandIn, client

MANAGEMENT = "123456789012"
ROLE = "ephi-lint-scan"


def _member_client(service: str, account: str) -> Any:
    """A seeding client inside `account`, through an assumed role (moto's isolation)."""
    import boto3

    credentials = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed")["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"]).client(
        service, region_name="us-east-1", endpoint_url=os.environ["AWS_ENDPOINT_URL"])


@pytest.fixture(scope="module")
def organization(moto_server: MotoServer) -> dict[str, Any]:
    """Two active member accounts with one plain and one encrypted volume, one closed one."""
    moto_server.reset()
    organizations = client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    members = []
    for name in ("clinic-a", "clinic-b", "clinic-closed"):
        status = organizations.create_account(Email=f"{name}@example.org",
                                              AccountName=name)["CreateAccountStatus"]
        members.append(status["AccountId"])
    active, closed = members[:2], members[2]
    organizations.close_account(AccountId=closed)
    plain = {}
    for account in active:
        ec2 = _member_client("ec2", account)
        volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
        ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=True)
        plain[account] = f"arn:aws:ec2:us-east-1:{account}:volume/{volume}"
    # The closed account holds a plain volume too: it must not be read.
    _member_client("ec2", closed).create_volume(AvailabilityZone="us-east-1a", Size=8)
    return {"active": active, "closed": closed, "plain": plain}


def _scan(*args: str) -> tuple[Any, dict[str, Any]]:
    result = run_aws("--org-role", ROLE, "--services", "ec2", "--format", "json", *args,
                     rules=("ENC-002",))
    return result, json.loads(result.stdout)


def test_every_active_account_is_scanned_through_the_role(
        organization: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.live import accounts

    monkeypatch.setattr(accounts, "PAGE_SIZE", 1)  # one account a page: pagination is used
    result, document = _scan()
    assert result.exit_code == 1, result.stderr
    a, b = organization["active"]
    assert findings(document, attribute=False) == {
        ("ENC-002", "fail", organization["plain"][a]),
        ("ENC-002", "fail", organization["plain"][b])}
    assert document["problems"] == []
    by_resource = {item["resource"]: item for item in document["findings"]}
    assert by_resource[organization["plain"][a]]["file"].startswith(f"aws/{a}/us-east-1/ec2/")
    # management + 2 active + 1 closed account, one a page (the closed one is skipped).
    lines = result.stderr.splitlines()
    summary = next(line for line in lines if line.startswith("aws "))
    scanned = sorted([MANAGEMENT, a, b])
    assert summary.startswith(f"aws 3 accounts ({', '.join(scanned)}) in us-east-1: "
                              "resources: ec2 4; "), summary
    assert "organizations 4" in summary and "sts 3" in summary
    assert all(organization["closed"] not in line for line in lines)
    for account in scanned:
        assert any(line.startswith(f"ephi-lint: aws/{account}/us-east-1/ec2: ")
                   for line in lines), lines


DENIED = "999999999999"


def _assumes_the_denied_role(call: Call) -> bool:
    # moto evaluates no trust policy: AssumeRole into DENIED is denied, as AWS would.
    return call.operation == "AssumeRole" and f"::{DENIED}:" in call.params["RoleArn"]


@pytest.fixture()
def sts(moto_server: MotoServer) -> Iterator[StandIn]:
    with through_stand_in(moto_server, endpoints=("AWS_ENDPOINT_URL_STS",),  # STS only
                          deny_request=_assumes_the_denied_role) as stand_in:
        yield stand_in


def test_an_account_whose_role_is_denied_is_an_error_and_the_others_are_scanned(
        organization: dict[str, Any], sts: StandIn) -> None:
    a, b = organization["active"]
    result, document = _scan("--accounts", f"{a},{DENIED}", "--accounts", b)
    assert result.exit_code == 2, result.stderr  # an account not assessed is an ERROR
    assert findings(document, attribute=False) == {
        ("ENC-002", "fail", organization["plain"][a]),
        ("ENC-002", "fail", organization["plain"][b])}
    role = f"arn:aws:iam::{DENIED}:role/{ROLE}"
    assert document["problems"] == [{
        "file": f"aws/{DENIED}", "level": "error",
        "reason": f"not assessed: sts:AssumeRole of {role} was denied (AccessDenied); create "
                  "the role with docs/iam-policy.json's EphiLintReadOnlyScan statement, "
                  "trusting the scanning account, or leave the account out with --accounts"}]
    assert f"ephi-lint: aws/{DENIED}: not assessed: sts:AssumeRole" in result.stderr
    summary = next(line for line in result.stderr.splitlines() if line.startswith("aws "))
    assert f"not assessed: {DENIED}" in summary
    # Only the listed accounts, no organization lookup; one AssumeRole each (the
    # collectors' clients never assume a role: their guard refuses it).
    assert sorted(call.params["RoleArn"] for call in sts.calls
                  if call.operation == "AssumeRole") == sorted(
        f"arn:aws:iam::{account}:role/{ROLE}" for account in (a, b, DENIED))


def test_accounts_need_the_org_role_and_twelve_digits(moto_server: MotoServer) -> None:
    result = run_aws("--accounts", "111111111111", rules=("ENC-002",))
    assert result.exit_code == 2 and "--accounts needs --org-role" in result.stderr
    result = run_aws("--org-role", ROLE, "--accounts", "1234", rules=("ENC-002",))
    assert result.exit_code == 2 and "not a 12-digit account id: 1234" in result.stderr


def test_only_the_dedicated_client_may_assume_and_only_the_named_role(
        moto_server: MotoServer) -> None:
    from linter.live.accounts import RoleAssumer
    from linter.live.guard import CallCounter, ReadOnlyViolation
    from linter.live.session import LiveSession

    with pytest.raises(ReadOnlyViolation, match="refused sts:AssumeRole"):
        LiveSession().client("sts", "us-east-1").assume_role(
            RoleArn=f"arn:aws:iam::111111111111:role/{ROLE}", RoleSessionName="probe")
    assumer = RoleAssumer(ROLE, None, CallCounter(), "us-east-1")
    with pytest.raises(ReadOnlyViolation, match="only the role named by --org-role"):
        assumer._client.assume_role(RoleArn="arn:aws:iam::111111111111:role/Admin",
                                    RoleSessionName="probe")
    with pytest.raises(ReadOnlyViolation, match="may only call sts:AssumeRole"):
        assumer._client.get_session_token()
    with pytest.raises(ReadOnlyViolation, match="may only call sts:AssumeRole"):
        assumer._client.get_caller_identity()
    session = LiveSession(credentials=assumer.credentials("111111111111"),
                          account="111111111111")
    assert session.client("sts", "us-east-1").get_caller_identity()["Account"] == "111111111111"


def test_the_policy_allows_assume_role_only_for_the_scan_role() -> None:
    from linter.live.allowlist import iam_policy

    statements = {statement["Sid"]: statement for statement in iam_policy("audit")["Statement"]}
    assert statements["EphiLintAssumeScanRole"] == {
        "Sid": "EphiLintAssumeScanRole", "Effect": "Allow", "Action": ["sts:AssumeRole"],
        "Resource": "arn:aws:iam::*:role/audit"}
    assert statements["EphiLintListOrganizationAccounts"]["Action"] == [
        "organizations:ListAccounts"]
    assert "sts:AssumeRole" not in statements["EphiLintReadOnlyScan"]["Action"]


def test_a_shard_enters_only_the_accounts_it_owns_units_of(
        organization: dict[str, Any], moto_server: MotoServer) -> None:
    from linter.config import Shard
    from linter.engine import catalogue_directory, load_rules
    from linter.live.accounts import run_org_scan
    from linter.live.scan import LiveScanRequest, holds_unit

    rules = [rule for rule in load_rules([catalogue_directory("rules")]) if rule.id == "ENC-002"]
    a, b = organization["active"]
    owned: dict[int, set[str]] = {}
    found: set[str] = set()
    for index in range(1, 5):
        with through_stand_in(moto_server, endpoints=("AWS_ENDPOINT_URL_STS",)) as stand_in:
            result = run_org_scan(LiveScanRequest(rules, regions=["us-east-1"],
                                                  services=["ec2"], shard=f"{index}/4"),
                                  ROLE, [a, b])
        # One unit an account (ec2 in us-east-1): the shard that owns it enters the
        # account, the others do not even assume its role.
        expected = {account for account in (a, b)
                    if holds_unit(Shard(index, 4), f"{account}/us-east-1/ec2")}
        assert {call.params["RoleArn"] for call in stand_in.calls
                if call.operation == "AssumeRole"} == {
            f"arn:aws:iam::{account}:role/{ROLE}" for account in expected}
        assert result.shard is not None
        assert (result.shard.name, result.shard.status, result.shard.units) == (
            f"{index}/4", "complete", sorted(f"{account}/us-east-1/ec2"
                                             for account in expected))
        assert result.shard.scope["accounts"] == sorted([a, b])
        owned[index] = expected
        found |= {outcome.resource.address for outcome in result.outcomes
                  if outcome.status.value == "fail"}
    assert sorted(account for accounts in owned.values() for account in accounts) == sorted(
        [a, b])
    assert found == {organization["plain"][a], organization["plain"][b]}
