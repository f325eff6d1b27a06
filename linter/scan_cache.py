"""Where a scan meets the result cache (linter.result_cache): whether a scan may use it,
its key, and what of a result is stored and given back.

Only what parsing and judging produce is cached: the outcomes before any suppression or
waiver (the policy is applied on every run: a waiver expires by date), the problems
found after discovery, the counts, and the files --framework left out once parsed.
Discovery runs every time, so the inputs, .gitignore and --skip-path counts are always
fresh. Not cached: with EPHI_LINT_RESULT_CACHE=off, standard input, pre-commit's
changed-files runs (a different set of files each commit; hashing the code would cost
more than the cache saves), and a scan whose inputs changed while it ran (their size or
modification time moved).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter import cache
from linter.cache import RESULT_CACHE_VARIABLE
from linter.dependencies import Dependencies
from linter.input_facts import read_input, stat_of

if TYPE_CHECKING:
    from linter import result_cache
    from linter.input_facts import InputFacts
    from linter.pipeline import ScanRequest, ScanResult
    from linter.scan_ahead import AheadResult

_ENVIRONMENT_PREFIX = "TF_VAR_"


@dataclass
class ScanCache:
    """A scan's place in the result cache: its key and what it read to make it."""

    key: str | None
    inputs: list[tuple[Path, str]]
    stats: list[tuple[int, int] | None] = field(default_factory=list)
    dependencies: Dependencies = field(default_factory=Dependencies)
    # Each input's SHA-256 (hex) and size by display path, as the key read them: the
    # provenance record uses them instead of reading every input again.
    input_digests: dict[str, tuple[str, int]] = field(default_factory=dict)

    @classmethod
    def for_request(cls, request: ScanRequest, inputs: list[tuple[Path, str]],
                    facts: InputFacts | None = None,
                    ahead: AheadResult | None = None) -> ScanCache:
        """The cache of this scan; its key is None when the scan is not cached. `facts`
        learns from each input as it is read (all of them only when the key is made:
        `facts.digested`). `ahead`: the inputs as linter.scan_ahead read them (each one
        it has is not read again)."""
        if request.stdin_text is not None or request.changed_files or not request.paths \
                or request.keep_models \
                or os.environ.get(RESULT_CACHE_VARIABLE) == "off" \
                or cache.cache_directory() is None or cache.refused() is not None:
            return cls(None, inputs)
        from linter import result_cache  # here: a scan that is not cached never loads it

        # Each input read once: here, or by linter.scan_ahead's process beforehand.
        reads = ahead.reads if ahead is not None else {}
        stats: list[tuple[int, int] | None] = []
        known: dict[str, bytes] = {}
        digests: dict[str, tuple[str, int]] = {}
        for path, display_path in inputs:
            read = reads.get(display_path) or read_input(path, display_path)
            if read is None:  # an input that cannot be read: the scan is not cached
                return cls(None, inputs, input_digests=digests)
            stats.append(read.stat)
            known[display_path] = read.digest
            digests[display_path] = (read.digest.hex(), read.size)
            if facts is not None:
                facts.add(display_path, read.marked, read.plan, read.calls_listed, read.calls)
        # The forked process's, when it made one: the same files and environment.
        fingerprint = ahead.code_fingerprint if ahead is not None \
            and ahead.code_fingerprint is not None else result_cache.code_fingerprint()
        key = result_cache.scan_key(fingerprint, _request_digest(request), inputs, known)
        if facts is not None:
            facts.digested = True
        return cls(key, inputs, stats, input_digests=digests)

    def load(self, request: ScanRequest) -> result_cache.CachedScan | None:
        if self.key is None:
            return None
        from linter import result_cache

        return result_cache.load(self.key, request.rules)

    def store(self, result: ScanResult, first_problem: int,
              skipped_before: dict[str, int]) -> bool:
        """Store what the scan added to `result` after discovery: problems from index
        `first_problem` on, the skipped counts beyond `skipped_before`."""
        if self.key is None or [stat_of(path) for path, _ in self.inputs] != self.stats:
            return False
        from linter import result_cache

        skipped = {reason: count - skipped_before.get(reason, 0)
                   for reason, count in result.skipped.items()
                   if count != skipped_before.get(reason, 0)}
        scan = result_cache.CachedScan(
            outcomes=result.outcomes, problems=result.problems[first_problem:],
            files_scanned=result.files_scanned, files_unrecognised=result.files_unrecognised,
            resources=result.resources, skipped=skipped)
        return result_cache.store(self.key, scan, self.dependencies.items())


def fill(result: ScanResult, cached: result_cache.CachedScan) -> None:
    """A scan result from a stored one, after this run's discovery."""
    result.outcomes = cached.outcomes
    result.problems.extend(cached.problems)
    result.files_scanned = cached.files_scanned
    result.files_unrecognised = cached.files_unrecognised
    result.resources = cached.resources
    for reason, count in cached.skipped.items():
        result.skipped[reason] = result.skipped.get(reason, 0) + count


def _request_digest(request: ScanRequest) -> bytes:
    """Everything of the request that can change a result besides the inputs: the rules,
    limits, formats, variables (command line and TF_VAR_ environment), CloudFormation
    parameters, the scanned paths and root."""
    environment = sorted((name, value) for name, value in request.environment.items()
                         if name.startswith(_ENVIRONMENT_PREFIX))
    described: list[Any] = [
        [str(path) for path in request.paths], str(request.root), request.max_file_bytes,
        sorted(request.frameworks) if request.frameworks is not None else None,
        repr(request.command_line_variables), environment,
        json.dumps(request.cloudformation_parameters, sort_keys=True, default=repr),
        request.changed_files, request.sharded]
    from linter import result_cache

    digest = hashlib.sha256(result_cache.rules_digest(request.rules))
    digest.update(json.dumps(described, default=repr).encode("utf-8", "surrogateescape"))
    return digest.digest()
