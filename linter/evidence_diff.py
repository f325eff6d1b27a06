"""What changed between two evidence bundles: findings fixed, findings regressed, and how
the coverage figures moved.

An auditor compares this quarter's bundle with the last one (164.308(a)(8): periodic
evaluation). Findings are matched by fingerprint (rule + resource + attribute path), so
a finding that only moved lines is neither fixed nor new. With a public key both bundles
must verify first: a diff of tampered evidence would be evidence of nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from linter.evidence import MANIFEST, EvidenceError, read_bundle, verify


def scan_documents(members: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """The ephi-lint scan JSON documents among a bundle's members."""
    documents = []
    for name in sorted(members):
        if not name.endswith(".json") or name == MANIFEST:
            continue
        try:
            document = json.loads(members[name])
        except ValueError:
            continue
        if isinstance(document, dict) and document.get("tool") == "ephi-lint" \
                and isinstance(document.get("findings"), list):
            documents.append(document)
    return documents


def diff(old_bundle: Path, new_bundle: Path,
         public_key_path: Path | None = None) -> dict[str, Any]:
    """What was fixed, what regressed (by finding fingerprint) and how the figures moved
    from one bundle to the next. With a key, both bundles must verify first."""
    if public_key_path is not None:
        require_verified([old_bundle, new_bundle], public_key_path)
    return compare(bundle_scans(old_bundle), bundle_scans(new_bundle))


def require_verified(bundles: Sequence[Path], public_key_path: Path) -> None:
    """EvidenceError naming every failure of the first bundle that does not verify."""
    for bundle in bundles:
        outcome = verify(bundle, public_key_path)
        if not outcome.ok:
            raise EvidenceError(outcome.describe())


def bundle_scans(bundle: Path) -> list[dict[str, Any]]:
    """The scan JSON documents a bundle holds; EvidenceError when it holds none."""
    documents = scan_documents(read_bundle(bundle))
    if not documents:
        raise EvidenceError(f"{bundle} holds no ephi-lint scan JSON to compare")
    return documents


def compare(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
            ) -> dict[str, Any]:
    """The diff of two sets of scan JSON documents (files and accounts together)."""
    old_open, old_waived, old_status = _state(old)
    new_open, new_waived, new_status = _state(new)
    fixed, excepted, regressed = [], [], []
    for fingerprint_, finding in sorted(old_open.items(), key=_finding_order):
        if fingerprint_ in new_open:
            continue
        if fingerprint_ in new_waived:
            excepted.append(_brief(new_waived[fingerprint_], "now under a documented exception"))
        else:
            now = new_status.get(fingerprint_)
            how = ("now passes" if now == "pass" else "no longer in the scan"
                   if now is None else f"now {now}")
            fixed.append(_brief(finding, how))
    for fingerprint_, finding in sorted(new_open.items(), key=_finding_order):
        if fingerprint_ in old_open:
            continue
        how = ("its exception lapsed" if fingerprint_ in old_waived else
               "new resource or rule" if fingerprint_ not in old_status and old_status else
               "was passing" if old_status.get(fingerprint_) == "pass" else "new finding")
        regressed.append(_brief(finding, how))
    return {"fixed": fixed, "newly_excepted": excepted, "regressed": regressed,
            "still_open": len(set(old_open) & set(new_open)),
            "metrics": _metric_moves(old, new), "summary": _summary_moves(old, new)}


def _state(documents: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], dict[str, Any],
                                                              dict[str, str]]:
    opened = {item["fingerprint"]: item for document in documents
              for item in document.get("findings", []) if item.get("fingerprint")}
    waived = {item["fingerprint"]: item for document in documents
              for item in document.get("suppressed", []) if item.get("fingerprint")}
    status = {row["fingerprint"]: row["status"] for document in documents
              for row in document.get("inventory", []) or [] if row.get("fingerprint")}
    return opened, waived, status


def _finding_order(item: tuple[str, Mapping[str, Any]]) -> tuple[Any, ...]:
    finding = item[1]
    return (finding.get("file", ""), finding.get("line", 0), finding.get("rule", ""))


def _brief(finding: Mapping[str, Any], how: str) -> dict[str, Any]:
    return {"rule": finding.get("rule"), "severity": finding.get("severity"),
            "resource": finding.get("resource"), "file": finding.get("file"),
            "line": finding.get("line"), "fingerprint": finding.get("fingerprint"),
            "status": finding.get("status"), "how": how}


def _metric_moves(old: Sequence[Mapping[str, Any]],
                  new: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    from linter.metrics import compute

    def figures(documents: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
        if not all(isinstance(document.get("inventory"), list) for document in documents):
            return None
        rows = [row for document in documents for row in document["inventory"]]
        return {item["id"]: item for item in compute(rows)["metrics"]}

    before, after = figures(old), figures(new)
    if before is None or after is None:
        return []  # without inventories only the summary counts can be compared
    moves = []
    for metric_id, now in after.items():
        then = before[metric_id]
        delta = (round(now["percent"] - then["percent"], 1)
                 if now["percent"] is not None and then["percent"] is not None else None)
        moves.append({"id": metric_id, "title": now["title"],
                      "before": then["percent"], "after": now["percent"], "change": delta,
                      "covered": [then["covered"], now["covered"]],
                      "total": [then["total"], now["total"]]})
    return moves


def _summary_moves(old: Sequence[Mapping[str, Any]],
                   new: Sequence[Mapping[str, Any]]) -> dict[str, list[int]]:
    keys = ("failed", "unknown", "passed", "suppressed", "errors")

    def total(documents: Sequence[Mapping[str, Any]], key: str) -> int:
        return sum(int(document.get("summary", {}).get(key, 0) or 0) for document in documents)

    return {key: [total(old, key), total(new, key)] for key in keys}


def format_diff(result: Mapping[str, Any]) -> str:
    """The diff as text for the terminal and the audit file."""
    lines = [f"fixed: {len(result['fixed'])}, regressed: {len(result['regressed'])}, "
             f"newly excepted: {len(result['newly_excepted'])}, "
             f"still open: {result['still_open']}"]
    for title, key in (("Fixed", "fixed"), ("Regressed", "regressed"),
                       ("Newly under an exception", "newly_excepted")):
        if result[key]:
            lines.append(f"\n{title}:")
            lines += [f"  {item['rule']}  {item['resource']}  {item['file']}:{item['line']}"
                      f"  ({item['how']})" for item in result[key]]
    if result["metrics"]:
        lines.append("\nCoverage:")
        for move in result["metrics"]:
            before = "n/a" if move["before"] is None else f"{move['before']}%"
            after = "n/a" if move["after"] is None else f"{move['after']}%"
            change = "" if move["change"] is None else f" ({move['change']:+.1f})"
            lines.append(f"  {move['title']}: {before} -> {after}{change}")
    else:
        lines.append("\nCounts (before -> after): " + ", ".join(
            f"{key} {values[0]} -> {values[1]}" for key, values in result["summary"].items()))
    return "\n".join(lines) + "\n"
