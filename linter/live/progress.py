"""Progress of a live scan, and its closing summary.

On a terminal: one rich progress bar per account, naming the region and service read
last (on stderr, so a report on stdout stays clean). Otherwise (CI logs): one plain line
per service read, and one per account that could not be assessed.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any, TextIO


class ScanProgress:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}
        self._lock = threading.Lock()
        if self._stream.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), transient=True,
                                 console=Console(file=self._stream))

    def __enter__(self) -> ScanProgress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def for_account(self, account: str) -> Callable[[Any, str, int, int], None]:
        """The progress callback of one account's scan: (unit or None, line, done, total)."""
        def update(unit: Any, line: str, done: int, total: int) -> None:
            with self._lock:
                if self._bar is None:
                    self._stream.write(line + "\n")
                    self._stream.flush()
                    return
                if unit is None or unit.problem:  # stays visible above the bars
                    self._bar.console.print(line, markup=False, highlight=False)
                if unit is None:
                    return
                task = self._tasks.get(account)
                if task is None:
                    task = self._tasks[account] = self._bar.add_task(f"aws {account}",
                                                                     total=total)
                self._bar.update(task, completed=done, total=total,
                                 description=f"aws {account} {unit.region} {unit.service}")
        return update


def summary(result: Any) -> str:
    """Resources read per service, accounts not assessed, and the API calls made."""
    units = result.units
    read = [unit for unit in units if not unit.problem and not unit.skipped]
    not_offered = [unit for unit in units if unit.skipped]
    per_service: Counter[str] = Counter()
    for unit in read:
        per_service[unit.service] += unit.resources
    counts = ", ".join(f"{name} {count}" for name, count in sorted(per_service.items()))
    accounts = getattr(result, "accounts", None)
    if accounts is None:
        where = f"aws {result.account}"
    else:
        failed = [scan.account for scan in accounts if scan.result is None]
        assessed = [scan.account for scan in accounts if scan.result is not None]
        noun = "account" if len(accounts) == 1 else "accounts"
        where = f"aws {len(accounts)} {noun} ({', '.join(assessed) or 'none assessed'})"
        if failed:
            where += f", not assessed: {', '.join(failed)}"
    calls: Counter[str] = Counter()
    for name, count in result.api_calls.items():
        calls[name.split(":", 1)[0]] += count
    per_client = ", ".join(f"{name} {count}" for name, count in sorted(calls.items()))
    text = (f"{where} in {', '.join(result.regions) or 'no region'}: resources: "
            f"{counts or 'none'}; {sum(calls.values())} API calls"
            f"{f' ({per_client})' if per_client else ''}, {result.retries} retried")
    if not_offered:
        regions_of = Counter(unit.service for unit in not_offered)
        listed = ", ".join(f"{name} in {count} of them" for name, count in
                           sorted(regions_of.items()))
        text += f"; not offered in every Region, so not read there: {listed}"
    missed = len(units) - len(read) - len(not_offered)
    if missed:
        text += f"; {missed} service reads not assessed (see above)"
    shard = getattr(result, "shard", None)
    if shard is not None:
        text += (f"; shard {shard.index}/{shard.total}: {len(shard.units)} of the scan's "
                 f"units, {shard.status}; merge the outputs of all {shard.total} shards")
    return text
