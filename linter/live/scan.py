"""One live scan: read the selected services in every region, build models, judge them.

Each (region, service) pair is one unit of work in a bounded thread pool. A unit that
cannot be read (access denied, service not offered in the region, a connection that
stays broken after the retries) becomes an ERROR problem at the virtual path
`aws/ACCOUNT/REGION/SERVICE`, "not assessed", with what would clear it; the other
units go on. Not assessed is never counted as a pass: any problem makes the exit code 2.

Sharding (`shard="K/N"`, or EPHI_LINT_SHARD, or JOB_COMPLETION_INDEX with
EPHI_LINT_SHARD_TOTAL): each account x Region x service unit belongs to one shard by a
stable hash of its name, so N processes (an Indexed Job, a CI matrix) read disjoint parts
and `ephi-lint merge` puts them together. When a selected rule relates a trail to the
account's ePHI stores (KEY-006), those services' units are keyed by the account alone,
so one shard sees the trail and every store it is compared with. A shard's result
carries a `ShardManifest` (its units, the scope every shard must share, complete or
failed), which lets merge refuse a missing or failed shard by name.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from linter.adapters.aws_live import BuildContext, build_models
from linter.adapters.aws_live.relations import relate_trails
from linter.config import Shard
from linter.discover import FileProblem
from linter.engine import Evaluator, Rule
from linter.live.allowlist import iam_action
from linter.live.collectors import (
    DENIED_CODES,
    UNAVAILABLE_CODES,
    CollectContext,
    Denial,
    error_code,
    partition,
)
from linter.live.collectors.security import KeyInventory, key_inventory
from linter.live.guard import ReadOnlyViolation
from linter.live.services import (
    Service,
    judged_fields,
    needed_operations,
    selected_services,
    store_services,
)
from linter.live.session import LiveSession
from linter.live.templates import TemplateIndex
from linter.models.base import Resource
from linter.pipeline import ScanResult

GLOBAL = "global"  # the Region name global services' resources are reported under
# Where a shard comes from when the request names none: "K/N", or a Kubernetes Indexed
# Job's 0-based JOB_COMPLETION_INDEX with the shard count beside it.
SHARD_VARIABLE = "EPHI_LINT_SHARD"
SHARD_TOTAL_VARIABLE = "EPHI_LINT_SHARD_TOTAL"
INDEX_VARIABLE = "JOB_COMPLETION_INDEX"
# Units of one service in one account read at the same time (across its Regions): some
# quotas are account-wide (S3's ListBuckets, IAM, CloudFront answer one global endpoint),
# so 17 Regions asking at once would only be throttled and retried.
SERVICE_CONCURRENCY = 4


class ServiceLimits:
    """At most `limit` units of one (account, service) at a time, shared by every scan
    of a process (an organization scan hands its accounts one instance)."""

    def __init__(self, limit: int = SERVICE_CONCURRENCY) -> None:
        self.limit = max(1, limit)
        self._lock = threading.Lock()
        self._slots: dict[tuple[str, str], threading.BoundedSemaphore] = {}

    def slot(self, account: str, service: str) -> threading.BoundedSemaphore:
        with self._lock:
            key = (account, service)
            if key not in self._slots:
                self._slots[key] = threading.BoundedSemaphore(self.limit)
            return self._slots[key]


@dataclass
class LiveScanRequest:
    """What a live scan reads: rules, Regions, services, credentials and concurrency."""

    rules: list[Rule]
    regions: list[str] | None = None  # None: the session's region; ["all"]: every enabled one
    services: list[str] | None = None  # None: every service some selected rule judges
    profile: str | None = None
    max_workers: int = 8
    # Called once per service read with (its report, the log line, reads done, total).
    progress: Callable[[UnitReport, str, int, int], None] | None = None
    # `--templates DIR`: anchor CloudFormation-tagged resources in their template.
    templates: TemplateIndex | None = None
    # "K/N": read only the units of shard K of N (None: from the environment, if set).
    shard: str | None = None
    # Units of one service in one account read at the same time.
    service_concurrency: int = SERVICE_CONCURRENCY
    # Shared by the accounts of an organization scan (None: one for this scan).
    service_limits: ServiceLimits | None = None


@dataclass
class UnitReport:
    """One service read in one Region: what it found, how long it took, what went wrong."""

    region: str
    service: str
    resources: int = 0
    seconds: float = 0.0
    problem: str = ""
    account: str = ""
    # Why the service was not read in this Region although nothing went wrong (it is
    # not offered there): no resource can exist, so nothing is missing.
    skipped: str = ""


@dataclass
class ShardManifest:
    """What one shard of a sharded scan did, written into its outputs for `merge`."""

    index: int  # K of K/N, 1-based
    total: int  # N
    # What every shard of one scan must share: accounts, Regions asked, services, rules.
    scope: dict[str, Any]
    units: list[str] = field(default_factory=list)  # "ACCOUNT/REGION/SERVICE" it owned
    status: str = "complete"  # "failed": a unit, an account or the scan had an error

    @property
    def name(self) -> str:
        return f"{self.index}/{self.total}"

    def as_json(self) -> dict[str, Any]:
        return {"index": self.index, "total": self.total, "status": self.status,
                "scope": self.scope, "units": list(self.units)}


@dataclass
class LiveScanResult(ScanResult):
    """A live scan's result: the account, Regions and API calls besides the findings."""

    account: str = ""
    regions: list[str] = field(default_factory=list)
    units: list[UnitReport] = field(default_factory=list)
    api_calls: dict[str, int] = field(default_factory=dict)  # "service:Operation" -> calls
    retries: int = 0
    shard: ShardManifest | None = None  # set when the scan read one shard


def resolve_shard(value: str | None, environment: Mapping[str, str] | None = None
                  ) -> Shard | None:
    """The shard to read: `value` ("K/N"), else EPHI_LINT_SHARD, else the Indexed Job's
    JOB_COMPLETION_INDEX (0-based) with EPHI_LINT_SHARD_TOTAL; None: the whole scan.
    ValueError (naming the variable) when a value is malformed."""
    environment = os.environ if environment is None else environment
    if value:
        return Shard.parse(value)
    if environment.get(SHARD_VARIABLE):
        try:
            return Shard.parse(environment[SHARD_VARIABLE])
        except ValueError as error:
            raise ValueError(f"{SHARD_VARIABLE}: {error}") from None
    total = environment.get(SHARD_TOTAL_VARIABLE, "")
    if not total:
        return None
    index = environment.get(INDEX_VARIABLE, "")
    if not index.isdigit() or not total.isdigit() or not int(index) < int(total):
        raise ValueError(f"{SHARD_TOTAL_VARIABLE}={total!r} needs {INDEX_VARIABLE} "
                         f"(0-based, below the total), got {index!r}")
    return Shard(int(index) + 1, int(total))


def holds_unit(shard: Shard, key: str) -> bool:
    """Stable across runs and machines (no Python hash randomisation)."""
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:8], "big") % shard.count == shard.index - 1


def related_services(services: list[Service], judged: dict[str, set[str]]) -> set[str]:
    """The services that must stay in one shard per account: the trails whose
    `store_keys` a selected rule judges, and every ePHI store they are compared with."""
    from linter.engine import model_classes

    classes = model_classes()
    # A trail's `store_keys` (and what derives from it, like key_separation) is filled
    # by relate_trails from the stores read by the same scan: judging the model at all
    # may use it.
    trails = {service.name for service in services for model in service.models
              if model in judged and "store_keys" in getattr(
                  classes.get(model), "__dataclass_fields__", {})}
    return trails | store_services() if trails else set()


def unit_key(account: str, region: str, service: str, related: set[str]) -> str:
    return account if service in related else f"{account}/{region}/{service}"


def scan_scope(accounts: list[str], regions: list[str] | None, services: list[Service],
               rules: list[Rule]) -> dict[str, Any]:
    rule_ids = ",".join(sorted(rule.id for rule in rules))
    return {"accounts": sorted(set(accounts)), "regions": sorted(set(regions or [])),
            "services": sorted(service.name for service in services),
            "rules": hashlib.sha256(rule_ids.encode()).hexdigest()[:16]}


def shard_manifest(shard: Shard, scope: dict[str, Any], result: LiveScanResult
                   ) -> ShardManifest:
    failed = any(problem.level == "error" for problem in result.problems)
    units = sorted(f"{unit.account}/{unit.region}/{unit.service}" for unit in result.units)
    return ShardManifest(shard.index, shard.count, scope, units,
                         "failed" if failed else "complete")


class RegionState:
    """What the services of one region share: the KMS key inventory, read at most once."""

    def __init__(self, context: CollectContext) -> None:
        self._context = context
        self._lock = threading.Lock()
        self._inventory: KeyInventory | None = None

    def key_inventory(self) -> KeyInventory:
        with self._lock:
            if self._inventory is None:
                self._inventory = key_inventory(self._context)
            return self._inventory

    @property
    def inventory_problem(self) -> str:
        inventory = self._inventory
        return inventory.unreadable if inventory is not None else ""


def run_live_scan(request: LiveScanRequest, session: LiveSession | None = None
                  ) -> LiveScanResult:
    started = time.perf_counter()
    shard = resolve_shard(request.shard)
    session = session or LiveSession(request.profile, max_pool=max(10, request.max_workers))
    account = session.account_id()
    regions = _regions(request.regions, session)
    services = selected_services(request.rules, request.services)
    judged = judged_fields(request.rules)
    related = related_services(services, judged)
    limits = request.service_limits or ServiceLimits(request.service_concurrency)

    def owned(region: str, service: Service) -> bool:
        return shard is None or holds_unit(shard, unit_key(account, region, service.name,
                                                            related))

    result = LiveScanResult(rules=request.rules, account=account, regions=regions)
    # A global service is one unit per account, under the Region name "global". A
    # service is not asked in a Region where AWS does not offer it (Timestream,
    # WorkSpaces, DAX...): the call could only fail, after minutes of retries.
    offered = {region: {service.name for service in services
                        if _offered(session, service, region)} for region in regions}
    result.units += [UnitReport(region, service.name, account=account,
                                skipped=f"{service.name} is not offered in {region}")
                     for region in regions for service in services
                     if not service.home_region and service.name not in offered[region]
                     and owned(region, service)]
    units = [(region, service) for region in regions for service in services
             if not service.home_region and service.name in offered[region]]
    units += [(GLOBAL, service) for service in services if service.home_region and regions]
    units = [(region, service) for region, service in units if owned(region, service)]
    endpoints = set(regions) | {service.home_region for service in services
                                if service.home_region and regions}
    states = {endpoint: RegionState(_context(session, account, endpoint, frozenset()))
              for endpoint in sorted(endpoints)}
    models: list[Resource] = []
    denials: list[tuple[str, Denial]] = []
    lock = threading.Lock()

    def run(region: str, service: Service) -> None:
        report = UnitReport(region, service.name, account=account)
        unit_started = time.perf_counter()
        endpoint = service.home_region or region
        context = _context(session, account, endpoint, needed_operations(service, judged),
                           request.templates is not None)
        state = states[endpoint]
        try:
            with limits.slot(account, service.name):
                records = service.collect(context, state)
            build = BuildContext(account, region, state.key_inventory, judged,
                                 request.templates)
            built = build_models(records, build)
            report.resources = len(built)
            with lock:
                models.extend(built)
        except Exception as error:  # one unreadable service must not stop the others
            report.problem = _explain(error, account, region, service.name)
        report.seconds = time.perf_counter() - unit_started
        with lock:
            denials.extend((region, denial) for denial in context.denials)
            result.units.append(report)
            done = len(result.units)
        if request.progress:
            request.progress(report, _log_line(account, report), done, len(units))

    with ThreadPoolExecutor(max_workers=max(1, request.max_workers),
                            thread_name_prefix="ephi-lint-aws") as pool:
        for future in [pool.submit(run, region, service) for region, service in units]:
            future.result()

    result.units.sort(key=lambda unit: (unit.region, unit.service))
    result.problems.extend(_problems(result, account, states, denials))
    # Threads finish in any order; outputs and messages must not depend on it.
    models.sort(key=lambda model: (model.location.path, model.address))
    models = relate_trails(models, _missing_stores(result, request))
    # linter.live.drift reads the live models back from the outcomes.
    result.outcomes = Evaluator(request.rules, keep_models=True).evaluate(models)
    result.resources = len(models)
    result.files_scanned = sum(1 for unit in result.units
                               if not unit.problem and not unit.skipped)
    result.api_calls = dict(sorted(session.counter.calls.items()))
    result.retries = session.counter.retries
    if shard is not None:
        result.shard = shard_manifest(
            shard, scan_scope([account], request.regions or regions, services,
                              request.rules), result)
    result.seconds = time.perf_counter() - started
    return result


def _offered(session: LiveSession, service: Service, region: str) -> bool:
    listed = session.offered_regions(service.client, partition(region))
    return listed is None or region in listed


def _missing_stores(result: LiveScanResult, request: LiveScanRequest) -> str:
    """Why the scan's list of ePHI stores is incomplete ("" when it is complete)."""
    stores = store_services()
    read = {unit.service for unit in result.units if not unit.problem}
    failed = {unit.service for unit in result.units if unit.problem}
    missing = sorted((stores - read) | (stores & failed))
    if not missing:
        return ""
    return f"the {', '.join(missing)} stores (not read by this scan)"


def _context(session: LiveSession, account: str, region: str,
             operations: frozenset[str], anchoring: bool = False) -> CollectContext:
    return CollectContext(lambda name: session.client(name, region), account, region,
                          operations, anchoring)


def _regions(asked: list[str] | None, session: LiveSession) -> list[str]:
    if not asked:
        return [session.default_region]
    if [region.lower() for region in asked] == ["all"]:
        return session.enabled_regions()
    return sorted(set(asked))


def _explain(error: Exception, account: str, region: str, service: str) -> str:
    """Why a service was not assessed, and what would clear it."""
    if isinstance(error, ClientError):
        code = error_code(error)
        operation = getattr(error, "operation_name", "") or "?"
        client = _client_name(error) or service
        if code in DENIED_CODES:
            action = iam_action(client, operation) or f"{client}:{operation}"
            return (f"not assessed: {client}:{operation} was denied ({code}); grant {action} "
                    f"(docs/iam-policy.json) or leave {service} out with --services")
        if code in UNAVAILABLE_CODES:
            return (f"not assessed: {service} is not available in {region} ({code}); "
                    "leave the region out with --regions or the service with --services")
        return f"not assessed: {client}:{operation} failed ({code}: {error})"
    if isinstance(error, EndpointConnectionError):
        return (f"not assessed: no {service} endpoint answers in {region} ({error}); "
                "leave the region out with --regions or the service with --services")
    if isinstance(error, BotoCoreError):
        return f"not assessed: {type(error).__name__}: {error} (after retries)"
    if isinstance(error, ReadOnlyViolation):
        return f"not assessed: internal error: {error}"
    return f"not assessed: internal error: {type(error).__name__}: {error}"


def _client_name(error: ClientError) -> str:
    # ClientError names the operation but not the service: the allow-list knows which
    # client owns each operation (the names are unique across the services read).
    from linter.live.allowlist import READ_OPERATIONS

    operation = getattr(error, "operation_name", "")
    owners = [name for name, operations in READ_OPERATIONS.items() if operation in operations]
    return owners[0] if len(owners) == 1 else ""


def _problems(result: LiveScanResult, account: str, states: dict[str, RegionState],
              denials: list[tuple[str, Denial]]) -> list[FileProblem]:
    problems = [FileProblem(f"aws/{account}/{unit.region}/{unit.service}", unit.problem)
                for unit in result.units if unit.problem]
    grouped: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for region, denial in denials:
        grouped[(region, denial.service, denial.operation, denial.code)].append(denial.resource)
    for (region, service, operation, code), names in sorted(grouped.items()):
        action = iam_action(service, operation) or f"{service}:{operation}"
        problems.append(FileProblem(
            f"aws/{account}/{region}/{service}",
            f"partly assessed: {service}:{operation} was denied ({code}) for "
            f"{', '.join(sorted(names))}; the settings it reads are unknown; grant {action}"))
    kms_not_assessed = {unit.region for unit in result.units
                        if unit.service == "kms" and unit.problem}
    for region, state in sorted(states.items()):
        if state.inventory_problem and region not in kms_not_assessed:
            problems.append(FileProblem(
                f"aws/{account}/{region}/kms",
                f"partly assessed: {state.inventory_problem}, so which key manages each "
                "store's key is unknown; grant kms:ListKeys, kms:ListAliases, kms:DescribeKey"))
    return problems


def _log_line(account: str, unit: UnitReport) -> str:
    where = f"aws/{account}/{unit.region}/{unit.service}"
    if unit.problem:
        return f"ephi-lint: {where}: {unit.problem}"
    noun = "resource" if unit.resources == 1 else "resources"
    return f"ephi-lint: {where}: {unit.resources} {noun} read in {unit.seconds:.2f}s"
