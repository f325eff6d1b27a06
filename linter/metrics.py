"""Coverage figures an auditor can recompute: what was judged, and how much of it complies.

HIPAA asks that encryption controls be "in place and operating" (164.312(a)(2)(iv),
(e)(2)(ii)) and that the practice keep the documentation to show it (164.316). A list
of failures cannot show that: "100% of 42 buckets encrypted" needs the 42 buckets. So
the figures here start from the inventory, one row per rule and judged resource (PASS
included), and every figure is defined as data (`METRICS`: which rules, what counts as
covered), so the same numbers come out of the JSON's `inventory` (`metrics_from_json`)
as out of the scan in memory (`metrics`).

UNKNOWN and ERROR are never counted as covered: they are shown apart, and they stay in
the denominator, so an undecidable setting lowers a percentage instead of vanishing.
A finding under a documented exception is "excepted": not covered either, but shown
apart from the open failures, with the exception in the register.
"""

from __future__ import annotations

import datetime
import fnmatch
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import PurePosixPath
from typing import Any

# A subject's state in a metric, from best to worst for display; `not_measured` exists
# only for fact metrics (the deciding check did not record the fact).
STATES = ("covered", "excepted", "not_covered", "unknown", "error", "not_measured")
# Days before expiry from which an exception is shown as expiring (the 30 days auditors
# and CRT-003 use for certificates).
EXPIRING_WITHIN_DAYS = 30
LIVE_FORMAT = "aws"  # linter.adapters.aws_live.SOURCE_FORMAT, not imported: no boto3 here


@dataclass(frozen=True)
class Metric:
    """One coverage figure, as data: which rules judge its subjects, and what counts.

    A subject is a resource (rows of the same root, format, scope and address). It is
    covered when every outcome of the selected rules on it is PASS; for a fact metric,
    when one of those outcomes recorded `fact` as true (the rule's verdict aside).
    """

    id: str
    title: str
    unit: str  # what a subject is, plural: "stores", "keys", "endpoints"
    citation: str  # the HIPAA section the figure evidences
    rules: tuple[str, ...]  # rule ids or globs (`ENC-*`)
    categories: tuple[str, ...] = ()  # when set: only rules of these categories
    exclude: tuple[str, ...] = ()  # rule ids or globs left out
    fact: str = ""  # a fact metric: covered when an outcome records this fact true

    def selects(self, rule: str, category: str) -> bool:
        if not any(fnmatch.fnmatchcase(rule, pattern) for pattern in self.rules):
            return False
        if self.categories and category not in self.categories:
            return False
        return not any(fnmatch.fnmatchcase(rule, pattern) for pattern in self.exclude)

    def definition(self) -> dict[str, Any]:
        covered = (f"an outcome records {self.fact} = true" if self.fact
                   else "every outcome of these rules is PASS")
        return {"rules": list(self.rules), "categories": list(self.categories),
                "exclude": list(self.exclude), "fact": self.fact or None,
                "covered_when": covered,
                "never_covered": "FAIL, UNKNOWN, ERROR, and findings under an exception"}


# The rules that judge the oldest TLS version an endpoint accepts (tests/test_metrics.py
# holds this list to the catalogue's titles). Those whose check reads a TLS policy table
# (linter.checks.tls_policies.tls_policy_minimum) also record whether TLS 1.3 is offered;
# for the others the TLS 1.3 figure says `not_measured`, never a guess.
TLS_MINIMUM_RULES = ("TLS-001", "TLS-002", "TLS-003", "TLS-004", "TLS-005", "TLS-007",
                     "TLS-008", "TLS-020", "TLS-021", "TLS-022", "TLS-023", "TLS-024",
                     "TLS-025", "TLS-027", "TLS-028", "TLS-030", "TLS-032", "TLS-040",
                     "TLS-046", "TLS-048", "TLS-050", "TLS-140", "TLS-161", "TLS-204")

# The rules that judge whether a store's key is customer-managed (not AWS-owned or
# AWS-managed, not a provider default): KEY-001 for most AWS stores, and the rules
# that fold that test into their own service's encryption rule.
CUSTOMER_MANAGED_KEY_RULES = (
    "KEY-001", "BAK-002", "ENC-011", "ENC-013", "ENC-018", "ENC-020", "ENC-022", "ENC-028",
    "ENC-031", "ENC-032", "KEY-010", "KEY-013", "KEY-014", "KEY-015", "KEY-016", "KEY-017",
    # Google Cloud data services, GKE nodes and VM disks
    "KEY-100", "KEY-101", "KEY-102", "KEY-103", "KEY-104", "KEY-105", "KEY-106", "KEY-107",
    "KEY-108", "KEY-109", "KEY-110", "KEY-111", "KEY-112", "KEY-113", "KEY-114", "KEY-115",
    "KEY-116", "KEY-117", "KEY-118", "KEY-120", "KEY-121",
    # Azure
    "KEY-140", "KEY-141", "KEY-142", "KEY-143", "KEY-144", "KEY-145", "KEY-146", "KEY-148",
    "KEY-149", "KEY-150", "KEY-151", "KEY-160",
    # AWS images, copies, build, database and migration services
    "KEY-200", "KEY-201", "KEY-202", "KEY-203", "KEY-204", "KEY-220", "KEY-221", "KEY-222",
    "KEY-223", "KEY-226")

METRICS: tuple[Metric, ...] = (
    Metric("encrypted-at-rest", "ePHI stores encrypted at rest", "stores",
           "164.312(a)(2)(iv)", ("ENC-*",), categories=("encryption-at-rest",),
           # An account's EBS default is a setting, not a store.
           exclude=("ENC-090",)),
    Metric("customer-managed-key", "Stores encrypted with a customer-managed key", "stores",
           "164.312(a)(2)(iv)", CUSTOMER_MANAGED_KEY_RULES),
    Metric("key-rotation", "Keys that rotate automatically", "keys", "164.312(a)(2)(iv)",
           ("KEY-002", "KEY-018", "KEY-147", "KEY-152")),
    Metric("tls-1.2-minimum", "TLS endpoints that refuse TLS older than 1.2", "endpoints",
           "164.312(e)(2)(ii)", TLS_MINIMUM_RULES),
    Metric("tls-1.3-offered", "TLS endpoints that offer TLS 1.3", "endpoints",
           "164.312(e)(2)(ii)", TLS_MINIMUM_RULES, fact="tls13"),
    Metric("no-plaintext", "Services that refuse plaintext connections", "services",
           "164.312(e)(1)", ("PLN-*",), categories=("plaintext-service",)),
    Metric("backups-encrypted", "Backups and snapshots encrypted", "backups",
           "164.308(a)(7)(ii)(A)", ("BAK-001", "BAK-002", "BAK-005", "BAK-200")),
    Metric("backups-separate-key", "Backups encrypted with a key separate from the data's",
           "backup vaults", "164.308(a)(7)(ii)(A)", ("BAK-002", "KEY-005")),
    Metric("audit-logs-protected", "Audit trails encrypted and integrity-validated",
           "trails", "164.312(b)", ("LOG-001", "INT-001")),
)


# --- the inventory ------------------------------------------------------------------


def inventory(outcomes: Iterable[Any], roots: Sequence[str] = ()) -> list[dict[str, Any]]:
    """One row per outcome (PASS included): the resource, where it is, the rule, the status.

    `roots` are the scanned paths as displayed (relative to the scan root); a row's
    `root` is the one that holds its file, or for a live resource `aws/ACCOUNT`.
    """
    rows = [_row(outcome, roots) for outcome in outcomes]
    return sorted(rows, key=lambda row: (row["root"], row["file"], row["line"], row["rule"],
                                         row["resource"], row["element"] or ""))


def inventory_json(outcomes: Iterable[Any], roots: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The scan JSON's `inventory` list. Its rows are inventory()'s, JSON values only:

    rule, title, category, severity, hipaa (list), status (pass | fail | unknown | error),
    resource (address; the ARN for live resources), resource_type, model, format, scope,
    element (or null), file, line, root, arn, account, region (null unless live),
    facts (object, e.g. {"tls13": true}), fingerprint, suppression (null or the
    finding's suppression object: kind, justification, source, compensating_control,
    approved_by, expires).
    """
    return inventory(outcomes, roots)


def _row(outcome: Any, roots: Sequence[str]) -> dict[str, Any]:
    resource = outcome.resource
    live = resource.source_format == LIVE_FORMAT
    account = region = None
    if live:
        parts = resource.scope.split("/")  # aws/ACCOUNT/REGION
        account = parts[1] if len(parts) > 1 else None
        region = parts[2] if len(parts) > 2 else None
    suppression = outcome.suppression
    if suppression is not None and is_dataclass(suppression):
        suppression = asdict(suppression)  # type: ignore[arg-type]
    return {
        "rule": outcome.rule.id,
        "title": outcome.rule.title,
        "category": outcome.rule.category,
        "severity": outcome.rule.severity,
        "hipaa": list(outcome.rule.hipaa),
        "status": outcome.status.value,
        "resource": resource.address,
        "resource_type": resource.source_type,
        "model": resource.MODEL,
        "format": resource.source_format,
        "scope": resource.scope,
        "element": outcome.element or None,
        "file": outcome.location.path,
        "line": outcome.location.start_line,
        "root": f"aws/{account}" if live else root_of(resource.location.path, roots),
        "arn": resource.address if live else None,
        "account": account,
        "region": region,
        "facts": {str(name): value for name, value in outcome.facts},
        "fingerprint": outcome.fingerprint,
        "suppression": suppression,
    }


def root_of(path: str, roots: Sequence[str]) -> str:
    """The scanned root that holds `path` (the longest that does), else its first folder."""
    pure = PurePosixPath(path)
    holders = [root for root in roots
               if root in (".", "") or pure == PurePosixPath(root)
               or PurePosixPath(root) in pure.parents]
    if holders:
        return max(holders, key=len)
    return pure.parts[0] if len(pure.parts) > 1 else "."


# --- the figures --------------------------------------------------------------------


def metrics(outcomes: Iterable[Any], notices: Iterable[Any] = (), *,
            roots: Sequence[str] = (), today: datetime.date | None = None,
            live: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The coverage figures of a scan in memory (linter.engine.Outcome, linter.suppress.
    Notice); the same as metrics_from_json() of that scan's JSON."""
    notice_rows = [asdict(notice) if is_dataclass(notice) else dict(notice)  # type: ignore[arg-type]
                   for notice in notices]
    return compute(inventory(outcomes, roots), notice_rows, today=today, live=live)


def metrics_from_json(document: Mapping[str, Any],
                      today: datetime.date | None = None) -> dict[str, Any]:
    """The coverage figures recomputed from a scan's JSON (its `inventory`, `notices`
    and, for live scans, `live`)."""
    rows = document.get("inventory")
    if not isinstance(rows, list):
        raise ValueError("this scan JSON has no `inventory` (PASS outcomes are needed to "
                         "compute coverage): scan again with --include-passed")
    return compute(rows, document.get("notices") or [], today=today,
                   live=document.get("live"))


def compute(rows: Sequence[Mapping[str, Any]], notices: Sequence[Mapping[str, Any]] = (), *,
            today: datetime.date | None = None,
            live: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every figure from inventory rows: the one computation both entry points share."""
    today = today or datetime.date.today()
    return {
        "metrics": [metric_figure(metric, rows) for metric in METRICS],
        "by_category": breakdown(rows, lambda row: [row["category"]]),
        "by_hipaa": breakdown(rows, lambda row: list(row["hipaa"])),
        "by_root": breakdown(rows, lambda row: [row["root"]]),
        "not_assessed": not_assessed(live),
        "exceptions": exceptions_register(rows, notices, today),
        "totals": _counts(rows),
    }


def metric_figure(metric: Metric, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    subjects: dict[tuple[str, str, str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        if metric.selects(row["rule"], row["category"]):
            key = (row["root"], row["format"], row["scope"], row["resource"])
            subjects[key].append(row)
    counts = dict.fromkeys(STATES, 0)
    listed = []
    for key in sorted(subjects):
        judged = subjects[key]
        state = _fact_state(judged, metric.fact) if metric.fact else _status_state(judged)
        counts[state] += 1
        first = min(judged, key=lambda row: (row["file"], row["line"]))
        listed.append({"root": key[0], "resource": key[3], "type": first["resource_type"],
                       "file": first["file"], "line": first["line"], "state": state,
                       "rules": sorted({row["rule"] for row in judged})})
    measured = sum(counts.values()) - counts["not_measured"]
    return {
        "id": metric.id, "title": metric.title, "unit": metric.unit,
        "citation": metric.citation, "definition": metric.definition(),
        "rules_seen": sorted({row["rule"] for rows_ in subjects.values() for row in rows_}),
        "total": measured, **counts,
        "percent": percent(counts["covered"], measured),
        "subjects": listed,
    }


def _is_excepted(row: Mapping[str, Any]) -> bool:
    return bool(row.get("suppression")) and row["status"] in ("fail", "unknown")


def _status_state(rows: Sequence[Mapping[str, Any]]) -> str:
    """A failure outranks everything: the resource is not covered, whatever else is
    undecided. Then errors, undecided settings, accepted exceptions; PASS only if all pass."""
    open_statuses = {row["status"] for row in rows if not _is_excepted(row)}
    for status, state in (("fail", "not_covered"), ("error", "error"),
                          ("unknown", "unknown")):
        if status in open_statuses:
            return state
    if any(_is_excepted(row) for row in rows):
        return "excepted"
    return "covered"


def _fact_state(rows: Sequence[Mapping[str, Any]], fact: str) -> str:
    recorded = [row["facts"][fact] for row in rows if fact in (row.get("facts") or {})]
    if recorded:
        return "covered" if any(recorded) else "not_covered"
    statuses = {row["status"] for row in rows}
    if "error" in statuses:
        return "error"
    if "unknown" in statuses:
        return "unknown"
    return "not_measured"  # judged, but this rule's check does not tell


def breakdown(rows: Sequence[Mapping[str, Any]], keys: Any) -> list[dict[str, Any]]:
    """Outcome counts per key (category, HIPAA section, root): checks, not resources."""
    grouped: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        for key in keys(row):
            grouped[key].append(row)
    return [{"key": key, **_counts(grouped[key])} for key in sorted(grouped, key=natural_key)]


def _counts(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    counts = {"pass": 0, "fail": 0, "excepted": 0, "unknown": 0, "error": 0}
    for row in rows:
        counts["excepted" if _is_excepted(row) else row["status"]] += 1
    checks = len(rows)
    resources = len({(row["root"], row["format"], row["scope"], row["resource"])
                     for row in rows})
    return {"checks": checks, "resources": resources, **counts,
            "percent": percent(counts["pass"], checks)}


def percent(part: int, whole: int) -> float | None:
    """One decimal; None when nothing was judged (shown as "n/a", never as 100%)."""
    return round(100.0 * part / whole, 1) if whole else None


def natural_key(text: str) -> list[Any]:
    """164.312(a)(2)(iv) after 164.312(a)(1); numbers compared as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def not_assessed(live: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Live services that could not be read: not covered, not passed, listed."""
    if not live:
        return []
    return [{"account": unit.get("account"), "region": unit.get("region"),
             "service": unit.get("service"), "reason": unit.get("reason", "")}
            for unit in live.get("services", []) if unit.get("status") == "not assessed"]


# --- the exceptions register --------------------------------------------------------

_NOT_HONOURED = frozenset({"missing-justification", "inline-forbidden", "unsuppressible"})
_UNUSED = frozenset({"unused-suppression", "unused-waiver"})


def exceptions_register(rows: Sequence[Mapping[str, Any]],
                        notices: Sequence[Mapping[str, Any]],
                        today: datetime.date) -> dict[str, Any]:
    """Every documented exception, in force or not, as of `today`.

    In force (from the findings they cover): `open`, or `expiring` within 30 days.
    From the notices: `expired` waivers (their findings are open again), exceptions
    `not_honoured` (no justification, forbidden inline, unsuppressible rule) and
    `unused` ones that match no finding.
    """
    by_source: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        suppression = row.get("suppression")
        if not suppression:
            continue
        key = (suppression.get("source", ""), suppression.get("justification", ""))
        entry = by_source.setdefault(key, {
            "source": suppression.get("source", ""),
            "kind": "waiver" if suppression.get("kind") == "external" else "inline",
            "justification": suppression.get("justification", ""),
            "compensating_control": suppression.get("compensating_control", ""),
            "approved_by": suppression.get("approved_by", ""),
            "expires": suppression.get("expires", "") or None,
            "rules": set(), "resources": set(), "findings": 0})
        entry["rules"].add(row["rule"])
        entry["resources"].add(row["resource"])
        entry["findings"] += 1
    entries = []
    for entry in by_source.values():
        days = _days_left(entry["expires"], today)
        state = ("expired" if days is not None and days < 0 else
                 "expiring" if days is not None and days <= EXPIRING_WITHIN_DAYS else "open")
        entries.append({**entry, "rules": sorted(entry["rules"]),
                        "resources": sorted(entry["resources"]), "days_left": days,
                        "state": state, "message": ""})
    for notice in notices:
        kind = notice.get("kind", "")
        if kind == "expired-waiver":
            state = "expired"
        elif kind in _NOT_HONOURED:
            state = "not_honoured"
        elif kind in _UNUSED:
            state = "unused"
        else:
            continue
        # The exception's terms come with the notice (linter.suppress.Notice); a waiver's
        # resource is its pattern as written, an inline comment's the finding's address.
        expires = notice.get("expires") or None
        entries.append({
            "source": f"{notice.get('path', '')}:{notice.get('line', '')}",
            "kind": "waiver" if "waiver" in kind else "inline",
            "justification": notice.get("justification") or "",
            "compensating_control": notice.get("compensating_control") or "",
            "approved_by": notice.get("approved_by") or "",
            "expires": expires, "rules": [notice["rule"]] if notice.get("rule") else [],
            "resources": [notice["resource"]] if notice.get("resource") else [],
            "findings": 0, "days_left": _days_left(expires, today),
            "state": state, "message": notice.get("message", "")})
    order = {"expired": 0, "expiring": 1, "not_honoured": 2, "open": 3, "unused": 4}
    entries.sort(key=lambda entry: (order[entry["state"]], entry["expires"] or "9999",
                                    entry["source"]))
    counts = dict.fromkeys(order, 0)
    for entry in entries:
        counts[entry["state"]] += 1
    return {"as_of": today.isoformat(), "counts": counts, "entries": entries}


def _days_left(expires: str | None, today: datetime.date) -> int | None:
    if not expires:
        return None
    try:
        return (datetime.date.fromisoformat(expires) - today).days
    except ValueError:
        return None
