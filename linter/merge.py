"""SARIF files as data: baselines (the fingerprints a team has accepted) and merging the
runs of sharded scans into one run (GitHub rejects several runs with one category).

Results are identified by their `ephiLint/v1` partial fingerprint (rule + resource +
attribute path), which does not change when lines move or files are reformatted.

The shards of a live scan (`ephi-lint aws` with a shard) each carry a manifest (K/N,
their units, the scope all shards share, complete or failed; linter.live.scan). Merging
them is refused, naming the shard, when one of the N is missing or failed, or when the
files come from different scans: a partial merge would look like a clean organization.
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


def shard_manifest(document: dict[str, Any]) -> dict[str, Any] | None:
    """The live-scan shard manifest of a SARIF log (its invocation's `live` properties)
    or of an `ephi-lint aws` JSON report (its `live` section); None: not a shard."""
    if isinstance(document.get("live"), dict):
        manifest = document["live"].get("shard")
        return manifest if isinstance(manifest, dict) else None
    for run in document.get("runs") or []:
        for invocation in run.get("invocations") or []:
            live = (invocation.get("properties") or {}).get("live") or {}
            if isinstance(live.get("shard"), dict):
                return dict(live["shard"])
    return None


def check_shards(documents: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The shard manifests of `documents`, once each is known to be one complete shard of
    one scan and every shard of it is there; SarifError naming the shard otherwise.
    Files without a manifest (file scans, whose shards are not counted) pass as they are:
    [] is returned when no file has one."""
    manifests = [(name, shard_manifest(document)) for name, document in documents]
    if all(manifest is None for _, manifest in manifests):
        return []
    unsharded = [name for name, manifest in manifests if manifest is None]
    if unsharded:
        raise SarifError(f"{', '.join(unsharded)}: not the output of a live-scan shard, "
                         "merged with shards: merge the outputs of one sharded scan")
    named = [(name, _valid_manifest(name, manifest)) for name, manifest in manifests
             if manifest is not None]
    first_name, first = named[0]
    total = first["total"]
    by_index: dict[int, tuple[str, dict[str, Any]]] = {}
    for name, manifest in named:
        label = f"shard {manifest['index']}/{manifest['total']} ({name})"
        if manifest["total"] != total:
            raise SarifError(f"{label}: one of {manifest['total']} shards, but "
                             f"{first_name} is one of {total}: merge the shards of one scan")
        if manifest["scope"] != first["scope"]:
            raise SarifError(f"{label}: scanned {_scope_text(manifest['scope'])}, but "
                             f"{first_name} scanned {_scope_text(first['scope'])}: merge the "
                             "shards of one scan")
        seen = by_index.get(manifest["index"])
        if seen is not None and seen[1]["units"] != manifest["units"]:
            raise SarifError(f"{label}: shard {manifest['index']}/{total} is also "
                             f"{seen[0]}, with other units: merge the shards of one scan")
        by_index.setdefault(manifest["index"], (name, manifest))
    missing = [index for index in range(1, total + 1) if index not in by_index]
    if missing:
        given = ", ".join(f"{index}/{total}" for index in sorted(by_index))
        raise SarifError(
            f"shard {', '.join(f'{index}/{total}' for index in missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing (given: {given}): its units "
            "were not read or its output was lost; rerun it and merge every shard")
    failed = [(name, manifest) for name, manifest in by_index.values()
              if manifest["status"] != "complete"]
    if failed:
        raise SarifError("; ".join(
            f"shard {manifest['index']}/{total} ({name}) failed: some of its units were not "
            "assessed (see its problems or toolExecutionNotifications); fix the cause and "
            "rerun the shard" for name, manifest in sorted(failed, key=lambda item:
                                                             item[1]["index"])))
    owners: dict[str, int] = {}
    for index, (name, manifest) in sorted(by_index.items()):
        for unit in manifest["units"]:
            if owners.setdefault(unit, index) != index:
                raise SarifError(f"shard {index}/{total} ({name}) and shard "
                                 f"{owners[unit]}/{total} both read {unit}: the shards were "
                                 "not split by one version of ephi-lint; rerun them")
    return [manifest for _, (_, manifest) in sorted(by_index.items())]


def _valid_manifest(name: str, manifest: dict[str, Any]) -> dict[str, Any]:
    index, total = manifest.get("index"), manifest.get("total")
    if not (isinstance(index, int) and isinstance(total, int) and 1 <= index <= total
            and isinstance(manifest.get("units"), list)
            and isinstance(manifest.get("scope"), dict)
            and manifest.get("status") in ("complete", "failed")):
        raise SarifError(f"{name}: malformed shard manifest (index, total, units, scope, "
                         "status)")
    return manifest


def _scope_text(scope: dict[str, Any]) -> str:
    accounts = scope.get("accounts") or []
    return (f"{len(accounts)} account(s) in {', '.join(scope.get('regions') or []) or '?'}"
            f" for {', '.join(scope.get('services') or []) or '?'} (rules "
            f"{scope.get('rules', '?')})")


def merge(documents: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """One run from the runs of several files: rules and results deduplicated, rule
    indexes renumbered, notifications gathered, success only if every run succeeded.
    Live-scan shards are merged only when complete (check_shards)."""
    shards = check_shards(documents)
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
    if shards:
        # What the merged run covers: every shard, and every unit they read.
        invocation["properties"] = {"live": {
            "shards": [f"{manifest['index']}/{manifest['total']}" for manifest in shards],
            "scope": shards[0]["scope"],
            "units": sorted(unit for manifest in shards for unit in manifest["units"])}}
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
