"""The scan-result cache: a repeated scan of an unchanged tree reads its result back.

The parse cache (linter.cache) saves parsing only; building models, resolving modules and
judging them is still most of a warm scan. Here the whole result of a file scan (its
outcomes, problems and counts) is stored under a key over everything it depends on:
- `code_fingerprint()`: every file of the linter package (code, mapping tables, schemas:
  each file's path, size and modification time), ephi-lint's and Python's versions, the
  parsing libraries' versions and the HCL parser chosen (linter.parser_version);
- the request's digest, which the caller computes from the options (the rules loaded,
  frameworks, variables, limits, ...; `rules_digest` digests a rule list: a shipped
  rule by its catalogue key, a digest over every rule file's bytes);
- each input's path on disk, display path and the SHA-256 of its bytes.
What the scan looked at outside the inputs (a module called from `../shared`, a file read
by Terraform's `file()`, a module manifest or Chart.yaml that was there or not: see
`Dependencies`) is recorded in the entry as it was then and looked at again on load:
a file that changed or vanished, a folder that gained a file or a path that appeared is
a miss.

Entries follow the parse cache's security model. An entry decides what a scan reports,
so it is data (JSON whose values are decoded into fixed classes by position; never a
pickle), it names its key and the SHA-256 of its payload, it is read and written through
linter.cache (no symlink followed, private folders and file, atomic writes) and never
from a cache folder inside a scanned path (`cache.refuse_inside`, called by the scan
before it asks here). Anything that does not match exactly is a miss, never an error.

A result that depends on the clock (a certificate "expires in 12 days") is not stored:
the same inputs give another result tomorrow.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linter import cache
from linter.code_fingerprint import code_fingerprint as code_fingerprint  # re-exported
from linter.dependencies import Dependencies as Dependencies  # re-exported
from linter.dependencies import dependency_digest
from linter.digests import add_framed
from linter.discover import DEBUG_VARIABLE, FileProblem
from linter.engine import Outcome, Rule, condition_leaves, restored_outcome
from linter.models.base import ResourceRef, SourceLocation
from linter.status import Status

NAMESPACE = "results"
FORMAT = "ephi-lint-results-1"
_MAGIC = FORMAT.encode() + b"\n"
# Pruned back to this many results (least recently written first) after each store. An
# edited tree is a new key, so old entries are rarely read again; a 20,000-file scan's
# entry is about 6 MB, so the folder stays well under 100 MB even for large trees.
MAX_RESULT_ENTRIES = 12
# Named checks whose verdict depends on the time of the scan, not only on the inputs.
CLOCK_CHECKS = frozenset({"certificate_validity"})


@dataclass
class CachedScan:
    """What the result cache keeps of a scan: outcomes, problems and counts."""

    outcomes: list[Outcome]  # each resource a linter.models.base.ResourceRef once read
    problems: list[FileProblem]
    files_scanned: int
    files_unrecognised: int
    resources: int
    skipped: dict[str, int]


# --- keys ------------------------------------------------------------------------------


def rules_digest(rules: list[Rule]) -> bytes:
    """A SHA-256 over the rules a scan judges with (all their data): for the request's
    digest, so a changed, added or removed rule (--rules, --include-rule) is a miss. A rule
    read from a rules directory stands for its data by its origin (the catalogue key over
    every rule file's bytes and the code that reads them, and its file): digesting 261
    rules' data as JSON took 3 ms of every run."""
    digest = hashlib.sha256()
    for rule in rules:
        text = f"origin {rule.origin}" if rule.origin else json.dumps(
            [rule.id, rule.title, rule.severity, rule.category, rule.hipaa,
             rule.rationale, rule.message, rule.models, rule.condition,
             rule.remediation, rule.when, rule.each, rule.references,
             rule.equivalents, rule.limits, rule.path], sort_keys=True, default=repr)
        add_framed(digest, text.encode())
    return digest.digest()


def scan_key(fingerprint: bytes, request_digest: bytes,
             inputs: list[tuple[Path, str]],
             known: dict[str, bytes] | None = None) -> str | None:
    """The key of one scan, or None (not cached) when an input cannot be read. `known`:
    the SHA-256 of inputs read already (linter.scan_cache), by display path."""
    from linter.input_facts import read_input

    debug = b"debug" if os.environ.get(DEBUG_VARIABLE) else b""  # changes crash texts
    digest = hashlib.sha256()
    add_framed(digest, FORMAT.encode(), fingerprint, request_digest, debug)
    for path, display_path in inputs:
        if known is not None and display_path in known:
            content = known[display_path]
        elif (read := read_input(path, display_path)) is not None:
            content = read.digest
        else:
            return None
        add_framed(digest, *(text.encode("utf-8", "surrogateescape")
                             for text in (str(path), display_path)))
        digest.update(content)
    return digest.hexdigest()


# --- entries ---------------------------------------------------------------------------


def store(key: str, scan: CachedScan, dependencies: list[tuple[str, str]]) -> bool:
    """Write the entry for `key` atomically; False if skipped (caching off or refused,
    an unsafe folder, a result that depends on the clock or holds a value this format
    does not store). `dependencies`: (absolute path, digest) of each file or folder the
    scan looked at outside its inputs, the digest a file's SHA-256 hex or
    `dependency_digest(path)` (folders, absent paths); load misses when one changed."""
    directory = _folder()
    if directory is None or not _valid_key(key) or _depends_on_clock(scan.outcomes):
        return False
    try:
        with _collector_paused():
            payload = _encode(key, scan, dependencies)
    except (TypeError, ValueError, AttributeError, KeyError, RecursionError):
        return False  # a value this format does not hold: not cached, never an error
    written = cache.write_bytes(directory, _parts(key), cache.sealed_pieces(_MAGIC, key, payload))
    if written:
        cache.prune(NAMESPACE, MAX_RESULT_ENTRIES)
    return written


def load(key: str, rules: list[Rule]) -> CachedScan | None:
    """The result stored under `key`, or None: a miss for anything but an intact entry
    stored under this key whose rules are all in `rules` and whose dependencies are
    unchanged. Never raises."""
    try:
        directory = _folder()
        if directory is None or not _valid_key(key):
            return None
        data = cache.read_bytes(directory, _parts(key))
        payload = None if data is None else cache.unsealed(_MAGIC, key, data)
        if payload is None:
            return None
        with _collector_paused():
            return _decode(key, payload, rules)
    except Exception:  # noqa: BLE001 - whatever an entry holds, it is a miss
        return None


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Without the cyclic garbage collector: decoding makes a few hundred thousand
    objects, none of them in a cycle, and the collections their allocation triggers (each
    walking every object of the scan) took more than half of a load."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _folder() -> Path | None:
    directory = cache.cache_directory()
    if directory is None or cache.refused() is not None \
            or not hasattr(os, "getuid"):
        return None
    return directory


def _valid_key(key: str) -> bool:
    return len(key) == 64 and all(character in "0123456789abcdef" for character in key)


def _parts(key: str) -> tuple[str, str, str]:
    return NAMESPACE, key[:2], key


def _depends_on_clock(outcomes: list[Outcome]) -> bool:
    rules = {id(outcome.rule): outcome.rule for outcome in outcomes}
    return any(leaf.get("check") in CLOCK_CHECKS for rule in rules.values()
               for condition in (rule.condition, rule.when)
               for leaf in condition_leaves(condition))


# --- the format ------------------------------------------------------------------------
# One JSON object. Repeated strings (rule ids, paths, messages, types) are stored once in
# `strings` and named by their index; locations and resources likewise in their own
# tables, so each is decoded once and shared by its outcomes. The tables are flat lists
# of integers (a few large lists decode much faster than many small ones):
# - `locations`: path (string index), first line, last line;
# - `resources`: address, source type, source format, scope, model (string indexes) and
#   location (table index);
# - `outcomes`: rule id, message, attribute, element (string indexes), resource,
#   location, facts (table indexes; facts -1: none) and status (index in Status).

_STATUSES = tuple(Status)
_STATUS_INDEX = {status: index for index, status in enumerate(_STATUSES)}
_LOCATION_WIDTH, _RESOURCE_WIDTH, _OUTCOME_WIDTH = 3, 6, 8


def _encode(key: str, scan: CachedScan, dependencies: list[tuple[str, str]]) -> list[bytes]:
    strings: dict[str, int] = {}
    string = strings.setdefault  # the index of a string, added when new: one C call
    locations: dict[tuple[int, int, int], int] = {}
    resources: dict[tuple[int, ...], int] = {}
    # By id() first: a scan's outcomes share their resource's reference (and those that
    # came back from a worker process as copies are found by their content).
    resources_seen: dict[int, int] = {}
    resource_table: list[int] = []
    facts: dict[str, int] = {}
    facts_by_repr: dict[str, int] = {}  # repr tells True from 1 and a tuple from a list

    def _facts_index(pairs: tuple[tuple[str, Any], ...]) -> int:
        shown = repr(pairs)
        found = facts_by_repr.get(shown)
        if found is None:
            text = json.dumps(_fact_pairs(pairs), allow_nan=False)
            found = facts_by_repr[shown] = facts.setdefault(text, len(facts))
        return found

    flat: list[int] = []
    extend = flat.extend
    for outcome in scan.outcomes:
        if outcome.suppression is not None:
            raise ValueError("a suppressed outcome: the policy applies after the cache")
        resource = outcome.resource
        resource_index = resources_seen.get(id(resource))
        if resource_index is None:
            place = resource.location
            row = (string(resource.address, len(strings)),
                   string(resource.source_type, len(strings)),
                   string(resource.source_format, len(strings)),
                   string(resource.scope, len(strings)), string(resource.MODEL, len(strings)),
                   locations.setdefault((string(place.path, len(strings)), place.start_line,
                                         place.end_line), len(locations)))
            resource_index = resources.get(row)
            if resource_index is None:
                resource_index = resources[row] = len(resources)
                resource_table.extend(row)
            resources_seen[id(resource)] = resource_index
        place = outcome.location
        extend((string(outcome.rule.id, len(strings)), string(outcome.message, len(strings)),
                string(outcome.attribute, len(strings)), string(outcome.element, len(strings)),
                resource_index,
                locations.setdefault((string(place.path, len(strings)), place.start_line,
                                      place.end_line), len(locations)),
                _facts_index(outcome.facts) if outcome.facts else -1,
                _STATUS_INDEX[outcome.status]))
    problems = [[problem.path, problem.reason, problem.level, problem.line]
                for problem in scan.problems]
    document = {
        "format": FORMAT, "key": key,
        "strings": list(strings),
        "locations": [number for location in locations for number in location],
        "resources": resource_table,
        "facts": list(facts),
        "outcomes": flat,
        "problems": problems,
        "counts": [scan.files_scanned, scan.files_unrecognised, scan.resources],
        "skipped": [[reason, number] for reason, number in scan.skipped.items()],
        "dependencies": [[path, digest] for path, digest in dependencies],
    }
    # What decodes differently from what was stored (a non-string key, a line that is
    # not a number) is caught when the entry is read back, and is a miss there.
    # Each member is made text on its own, and the document is the pieces in order: the
    # same bytes as one json.dumps, without the whole document's text and its list of
    # fragments held at once (a large scan's entry is written at its peak of memory).
    pieces = [b"{"]
    for index, (name, value) in enumerate(document.items()):
        pieces.append((b"," if index else b"") + _json_bytes(name) + b":")
        if type(value) is list:  # a long table: a few thousand items at a time
            pieces.append(b"[")
            for start in range(0, len(value), _ITEMS_A_PIECE):
                text = _json_bytes(value[start:start + _ITEMS_A_PIECE])
                pieces.append((b"," if start else b"") + text[1:-1])
            pieces.append(b"]")
            value.clear()  # built here for the entry: its items can go now
        else:
            pieces.append(_json_bytes(value))
    pieces.append(b"}")
    return pieces


_ITEMS_A_PIECE = 4096


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")).encode("utf-8", "surrogatepass")


def _check_types(*texts: Any) -> None:
    if not all(type(text) is str for text in texts):
        raise TypeError("not a string")


def _checked_strings(items: list[Any]) -> list[str]:
    _check_types(*items)
    return items


def _line(number: Any) -> int:
    if type(number) is not int:
        raise TypeError("a line is not a number")
    return number


def _count(number: Any) -> int:
    if type(number) is not int or number < 0:
        raise TypeError("a count is not a number")
    return number


def _fact_pairs(facts: tuple[tuple[str, Any], ...]) -> list[list[Any]]:
    return [[_string(name), _fact_value(value)] for name, value in facts]


def _string(text: Any) -> str:
    _check_types(text)
    return text


def _fact_value(value: Any) -> Any:
    """JSON scalars as they are; a list as {"l": items}, a tuple as {"t": items}, so a
    tuple comes back a tuple. Anything else (a dict, a set, NaN) is not stored."""
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is list:
        return {"l": [_fact_value(item) for item in value]}
    if kind is tuple:
        return {"t": [_fact_value(item) for item in value]}
    raise TypeError(f"a fact of type {kind.__name__} is not stored")


def _decoded_fact(stored: Any) -> Any:
    kind = type(stored)
    if stored is None or kind in (bool, int, float, str):
        return stored
    if kind is dict and len(stored) == 1:
        (tag, items), = stored.items()
        if tag in ("l", "t") and type(items) is list:
            decoded = [_decoded_fact(item) for item in items]
            return decoded if tag == "l" else tuple(decoded)
    raise ValueError("not a stored fact")


def _decoded_facts(text: Any) -> tuple[tuple[str, Any], ...]:
    pairs = json.loads(text)
    if type(pairs) is not list:
        raise ValueError("not stored facts")
    decoded = []
    for name, value in pairs:
        decoded.append((_string(name), _decoded_fact(value)))
    return tuple(decoded)


def _decode(key: str, payload: bytes, rules: list[Rule]) -> CachedScan | None:
    document = json.loads(payload)
    if type(document) is not dict or document.get("format") != FORMAT \
            or document.get("key") != key:
        return None
    for path, digest in document["dependencies"]:
        _check_types(path, digest)
        if digest == "unreadable" or dependency_digest(path) != digest:
            return None
    strings = _checked_strings(document["strings"])
    stored_locations = _table(document["locations"], _LOCATION_WIDTH, (0,))
    stored_resources = _table(document["resources"], _RESOURCE_WIDTH, range(6))
    flat = _table(document["outcomes"], _OUTCOME_WIDTH, (0, 1, 2, 3, 4, 5, 7))
    if flat and min(flat[6::_OUTCOME_WIDTH]) < -1:
        return None
    locations = [SourceLocation(strings[path], start, end) for path, start, end in zip(
        *(stored_locations[column::_LOCATION_WIDTH] for column in range(3)))]
    resources = [ResourceRef(strings[address], strings[source_type], strings[source_format],
                             locations[place], strings[scope], strings[model])
                 for address, source_type, source_format, scope, model, place in zip(
                     *(stored_resources[column::_RESOURCE_WIDTH] for column in range(6)))]
    facts = [_decoded_facts(_string(text)) for text in document["facts"]]
    by_id = {rule.id: rule for rule in rules}
    rules_of = [by_id.get(text) for text in strings]  # None: not a rule id of this run
    statuses = _STATUSES
    outcomes = []
    for rule, message, attribute, element, resource, place, fact, status in zip(
            *(flat[column::_OUTCOME_WIDTH] for column in range(_OUTCOME_WIDTH))):
        chosen = rules_of[rule]
        if chosen is None:
            return None
        # As stored: the message was redacted when the outcome was made.
        outcomes.append(restored_outcome(
            chosen, resources[resource], statuses[status], strings[message], locations[place],
            strings[attribute], strings[element], facts[fact] if fact >= 0 else ()))
    problems = [_problem(*item) for item in document["problems"]]
    scanned, unrecognised, resources_count = (_count(number) for number in document["counts"])
    skipped = {_string(reason): _count(number) for reason, number in document["skipped"]}
    return CachedScan(outcomes, problems, scanned, unrecognised, resources_count, skipped)


def _table(stored: Any, width: int, index_columns: Iterable[int]) -> list[int]:
    """A flat table of integers, `width` to a row, whose `index_columns` are indexes (a
    negative one would count from the end); ValueError for anything else."""
    if type(stored) is not list or len(stored) % width or {*map(type, stored)} - {int}:
        raise ValueError("not a stored table")
    if stored and min(min(stored[column::width]) for column in index_columns) < 0:
        raise ValueError("not a stored table")
    return stored


def _problem(path: Any, reason: Any, level: Any, line: Any) -> FileProblem:
    _check_types(path, reason, level)
    if line is not None:
        _line(line)
    problem = object.__new__(FileProblem)
    # As stored: the reason was redacted when the problem was made.
    vars(problem).update(path=path, reason=reason, level=level, line=line)
    return problem
