"""`--org-role`: scan many accounts of an AWS Organization, each through an assumed role.

Without `--accounts`, the caller's account (the management or a delegated administrator
account) lists the organization's accounts (paginated) and the ACTIVE ones are scanned.
Into each, the dedicated STS client of `RoleAssumer` assumes
`arn:aws:iam::ACCOUNT:role/ROLE_NAME`: that client's guard allows sts:AssumeRole of that
role and nothing else, and it is never handed to a collector, whose clients still refuse
AssumeRole like every credential-creating call (linter/live/guard.py).

Accounts are scanned concurrently in a bounded pool, and the regions and services of each
account in the account's own pool, so that the threads of a scan stay near
`--max-workers`. An account whose role cannot be assumed (or whose scan cannot start)
is an ERROR for that account, "not assessed", while the others are scanned.

Sharded (linter.live.scan): each account's units are split as in a one-account scan,
and an account none of whose units belong to the shard is not even entered (when the
Regions are named; with `--regions all` the account's own Region list decides). The
shard's manifest covers every account it read; one instance of `ServiceLimits` caps
each (account, service) across the accounts' pools.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from linter.discover import FileProblem
from linter.live import guard
from linter.live.collectors import DENIED_CODES, error_code
from linter.live.scan import (
    GLOBAL,
    LiveScanRequest,
    LiveScanResult,
    ServiceLimits,
    holds_unit,
    related_services,
    resolve_shard,
    run_live_scan,
    scan_scope,
    shard_manifest,
    unit_key,
)
from linter.live.services import judged_fields, selected_services
from linter.live.session import CONNECT_TIMEOUT, READ_TIMEOUT, RETRIES, LiveSession

# ListAccounts returns at most 20 accounts a page.
PAGE_SIZE = 20
SESSION_NAME = "ephi-lint"
# An assumed role's credentials last an hour; botocore refreshes them (through the same
# guarded client) before they expire, so a long scan does not fail half-way.
ROLE_SECONDS = 3600

ProgressFactory = Callable[[str], Callable[..., None] | None]


@dataclass
class AccountScan:
    """One member account of an organisation scan: its result, or why it was not assessed."""

    account: str
    result: LiveScanResult | None = None
    problem: str = ""  # why the account was not assessed


@dataclass
class OrgScanResult(LiveScanResult):
    """An organisation scan: every account's findings together, and each account's own."""

    accounts: list[AccountScan] = field(default_factory=list)


class RoleAssumer:
    """The one client allowed to call sts:AssumeRole, and only for the named role."""

    def __init__(self, role_name: str, profile: str | None, counter: guard.CallCounter,
                 region: str, credentials: Any = None) -> None:
        """`credentials`: the scanning session's (already resolved: a role profile's role
        is not assumed a second time); None: the profile's, through the credential
        clients (this session's guard refuses botocore's own credential calls)."""
        import boto3
        import botocore.session
        from botocore.config import Config

        from linter.live.session import use_credential_clients

        core = botocore.session.Session(profile=profile)
        if credentials is not None:
            core._credentials = credentials  # botocore's documented way to inject them
        else:
            use_credential_clients(core, counter, region)
        guard.install_role_assumer(core, role_name, counter)
        config = Config(retries=RETRIES, connect_timeout=CONNECT_TIMEOUT,
                        read_timeout=READ_TIMEOUT, user_agent_extra="ephi-lint")
        self.role_name = role_name
        self._client = boto3.Session(botocore_session=core).client(
            "sts", region_name=region, config=config)

    def role_arn(self, account: str) -> str:
        return f"arn:aws:iam::{account}:role/{self.role_name}"

    def credentials(self, account: str) -> Any:
        """Refreshable credentials of the role in `account` (assumed now, once)."""
        from botocore.credentials import RefreshableCredentials

        def fetch() -> dict[str, str]:
            response = self._client.assume_role(RoleArn=self.role_arn(account),
                                                RoleSessionName=SESSION_NAME,
                                                DurationSeconds=ROLE_SECONDS)
            credentials = response["Credentials"]
            return {"access_key": credentials["AccessKeyId"],
                    "secret_key": credentials["SecretAccessKey"],
                    "token": credentials["SessionToken"],
                    "expiry_time": credentials["Expiration"].isoformat()}

        return RefreshableCredentials.create_from_metadata(fetch(), refresh_using=fetch,
                                                           method="assume-role")


def organization_accounts(session: LiveSession) -> list[str]:
    """The ACTIVE accounts of the caller's organization (suspended ones cannot be read)."""
    paginator = session.client("organizations", session.default_region).get_paginator(
        "list_accounts")
    accounts = {str(account["Id"])
                for page in paginator.paginate(PaginationConfig={"PageSize": PAGE_SIZE})
                for account in page.get("Accounts", [])
                if account.get("Status") == "ACTIVE"}
    return sorted(accounts)


def run_org_scan(request: LiveScanRequest, role_name: str, accounts: list[str] | None = None,
                 progress: ProgressFactory | None = None,
                 session: LiveSession | None = None) -> OrgScanResult:
    """Scan each account through `role_name`; one failing account does not stop the rest."""
    import time

    started = time.perf_counter()
    shard = resolve_shard(request.shard)
    session = session or LiveSession(request.profile, max_pool=max(10, request.max_workers))
    every_id = sorted(set(accounts)) if accounts else organization_accounts(session)
    ids = [account for account in every_id
           if shard is None or _may_own(shard, account, request, session.default_region)]
    # Every member scan shares the shard (resolved once) and the per-service limits.
    request = replace(request, shard=f"{shard.index}/{shard.count}" if shard else None,
                      service_limits=request.service_limits
                      or ServiceLimits(request.service_concurrency))
    assumer = RoleAssumer(role_name, request.profile, session.counter, session.default_region,
                          session.credentials)
    parallel = max(1, min(len(ids), request.max_workers))
    inner = max(1, request.max_workers // parallel)
    scans = {account: AccountScan(account) for account in ids}
    sessions: dict[str, LiveSession] = {}
    lock = threading.Lock()

    def scan(account: str) -> None:
        report = progress(account) if progress else None
        try:
            credentials = assumer.credentials(account)
        except (ClientError, BotoCoreError) as error:
            scans[account].problem = _assume_problem(error, assumer.role_arn(account))
            if report:
                report(None, f"ephi-lint: aws/{account}: {scans[account].problem}", 0, 0)
            return
        member = LiveSession(request.profile, max_pool=max(10, inner), credentials=credentials,
                             account=account, region=session.default_region,
                             models_of=session)
        with lock:
            sessions[account] = member
        try:
            scans[account].result = run_live_scan(
                replace(request, max_workers=inner, progress=report), member)
        except (ClientError, BotoCoreError) as error:
            scans[account].problem = f"not assessed: the scan could not start: {error}"
            if report:
                report(None, f"ephi-lint: aws/{account}: {scans[account].problem}", 0, 0)

    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="ephi-lint-account") as pool:
        for future in [pool.submit(scan, account) for account in ids]:
            future.result()
    merged = _merge(request, [scans[account] for account in ids],
                    [session, *sessions.values()], time.perf_counter() - started)
    if shard is not None:
        scope = scan_scope(every_id, request.regions or [session.default_region],
                           selected_services(request.rules, request.services), request.rules)
        merged.shard = shard_manifest(shard, scope, merged)
    merged.seconds = time.perf_counter() - started
    return merged


def _may_own(shard: Any, account: str, request: LiveScanRequest, default_region: str) -> bool:
    """Whether any unit of `account` can belong to the shard, known without entering the
    account when the Regions are named (with `all`, only the account knows its Regions)."""
    regions = request.regions or [default_region]
    if [region.lower() for region in regions] == ["all"]:
        return True
    services = selected_services(request.rules, request.services)
    related = related_services(services, judged_fields(request.rules))
    units = [(GLOBAL if service.home_region else region, service.name)
             for region in sorted(set(regions)) for service in services]
    return any(holds_unit(shard, unit_key(account, region, name, related))
               for region, name in units)


def _assume_problem(error: Exception, role_arn: str) -> str:
    if isinstance(error, ClientError):
        code = error_code(error)
        if code in DENIED_CODES:
            return (f"not assessed: sts:AssumeRole of {role_arn} was denied ({code}); create "
                    "the role with docs/iam-policy.json's EphiLintReadOnlyScan statement, "
                    "trusting the scanning account, or leave the account out with --accounts")
        return f"not assessed: sts:AssumeRole of {role_arn} failed ({code}: {error})"
    return f"not assessed: sts:AssumeRole of {role_arn} failed: {error} (after retries)"


def _merge(request: LiveScanRequest, scans: list[AccountScan], sessions: list[LiveSession],
           seconds: float) -> OrgScanResult:
    merged = OrgScanResult(rules=request.rules, accounts=scans,
                           account=", ".join(scan.account for scan in scans))
    calls: Counter[str] = Counter()
    for member in sessions:
        calls.update(member.counter.calls)
        merged.retries += member.counter.retries
    regions: set[str] = set()
    for scan in scans:
        if scan.result is None:
            merged.problems.append(FileProblem(f"aws/{scan.account}", scan.problem))
            continue
        result = scan.result
        regions.update(result.regions)
        merged.units.extend(result.units)
        merged.outcomes.extend(result.outcomes)
        merged.problems.extend(result.problems)
        merged.resources += result.resources
        merged.files_scanned += result.files_scanned
    merged.regions = sorted(regions)
    merged.api_calls = dict(sorted(calls.items()))
    merged.seconds = seconds
    return merged
