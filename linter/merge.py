"""SARIF files as data: baselines (the fingerprints a team has accepted) and merging the
runs of sharded scans into one run (GitHub rejects several runs with one category).

Results are identified by their `ephiLint/v1` partial fingerprint (rule + resource +
attribute path), which does not change when lines move or files are reformatted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from linter.report.sarif import FINGERPRINT_KEY, SCHEMA_URI


class SarifError(ValueError):
    """A SARIF file that cannot be used; the message names the file."""


def read_sarif(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise SarifError(f"{path}: cannot read SARIF: {error}") from None
    if not isinstance(document, dict) or document.get("version") != "2.1.0" \
            or not isinstance(document.get("runs"), list):
        raise SarifError(f"{path}: not a SARIF 2.1.0 log")
    return document


def fingerprints(document: dict[str, Any]) -> frozenset[str]:
    """Every result's fingerprint, in every run (a baseline may be a merged file)."""
    return frozenset(result["partialFingerprints"][FINGERPRINT_KEY]
                     for run in document["runs"] for result in run.get("results", [])
                     if FINGERPRINT_KEY in result.get("partialFingerprints", {}))


def _identity(result: dict[str, Any]) -> str:
    fingerprint = result.get("partialFingerprints", {}).get(FINGERPRINT_KEY)
    if fingerprint:
        return f"{result.get('ruleId')}|{fingerprint}"
    # A result without our fingerprint (another tool's, or hand-written): its location
    # and message identify it.
    return json.dumps([result.get("ruleId"), result.get("locations"), result.get("message")],
                      sort_keys=True)


def merge(documents: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """One run from the runs of several files: rules and results deduplicated, rule
    indexes renumbered, notifications gathered, success only if every run succeeded."""
    runs = [(name, run) for name, document in documents for run in document["runs"]]
    if not runs:
        raise SarifError("nothing to merge: the files hold no run")
    first = runs[0][1]
    tool = first["tool"]["driver"].get("name")
    category = first.get("automationDetails", {}).get("id")
    for name, run in runs[1:]:
        if run["tool"]["driver"].get("name") != tool:
            raise SarifError(f"{name}: produced by {run['tool']['driver'].get('name')!r}, "
                             f"not {tool!r}: merge runs of one tool")
        if run.get("automationDetails", {}).get("id") != category:
            raise SarifError(f"{name}: category {run.get('automationDetails', {}).get('id')!r}"
                             f" differs from {category!r}: merge runs of one category")
    rules: dict[str, dict[str, Any]] = {}
    for _, run in runs:
        for rule in run["tool"]["driver"].get("rules", []):
            rules.setdefault(rule["id"], rule)
    ordered = sorted(rules)
    index = {rule_id: position for position, rule_id in enumerate(ordered)}
    results: dict[str, dict[str, Any]] = {}
    for _, run in runs:
        for result in run.get("results", []):
            merged = dict(result)
            if merged.get("ruleId") in index:
                merged["ruleIndex"] = index[merged["ruleId"]]
            results.setdefault(_identity(merged), merged)
    notifications: list[dict[str, Any]] = []
    seen: set[str] = set()
    successful = True
    times: dict[str, list[str]] = {"startTimeUtc": [], "endTimeUtc": []}
    for _, run in runs:
        for invocation in run.get("invocations", []):
            successful = successful and bool(invocation.get("executionSuccessful", True))
            for key, moments in times.items():
                if isinstance(invocation.get(key), str):
                    moments.append(invocation[key])
            for notification in invocation.get("toolExecutionNotifications", []):
                key = json.dumps(notification, sort_keys=True)
                if key not in seen:
                    seen.add(key)
                    notifications.append(notification)
    merged_run = {key: value for key, value in first.items()
                  if key not in ("results", "invocations", "tool", "artifacts",
                                 "versionControlProvenance")}
    merged_run["tool"] = {**first["tool"],
                          "driver": {**first["tool"]["driver"],
                                     "rules": [rules[rule_id] for rule_id in ordered]}}
    merged_run["results"] = sorted(results.values(), key=_location_key)
    invocation: dict[str, Any] = {"executionSuccessful": successful,
                                  "toolExecutionNotifications": notifications}
    # The merged run spans its parts: from the first start to the last end (UTC, one
    # format, so the text order is the time order).
    if times["startTimeUtc"]:
        invocation["startTimeUtc"] = min(times["startTimeUtc"])
    if times["endTimeUtc"]:
        invocation["endTimeUtc"] = max(times["endTimeUtc"])
    merged_run["invocations"] = [invocation]
    # Every part's inputs and commits, each once.
    for key, identity in (("artifacts", _artifact_identity),
                          ("versionControlProvenance", _json_identity)):
        gathered = {identity(item): item for _, run in runs for item in run.get(key, [])}
        if gathered:
            merged_run[key] = list(gathered.values())
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [merged_run]}


def _artifact_identity(artifact: dict[str, Any]) -> str:
    return json.dumps([artifact.get("location"), artifact.get("hashes")], sort_keys=True)


def _json_identity(item: dict[str, Any]) -> str:
    return json.dumps(item, sort_keys=True)


def _location_key(result: dict[str, Any]) -> tuple[str, int, str]:
    location = (result.get("locations") or [{}])[0].get("physicalLocation", {})
    return (location.get("artifactLocation", {}).get("uri", ""),
            location.get("region", {}).get("startLine", 0), result.get("ruleId", ""))


def write_sarif(document: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
