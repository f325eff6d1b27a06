"""Figures over corpus scans: outcome counts, the UNKNOWN rate and what causes it, and a
reproducible sample of FAIL findings to label by hand (benchmarks/corpora.py stats)."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

# A crashing rule (an ERROR outcome) and a crashing module evaluation, as the JSON
# report lists them under problems.
RULE_ERROR = re.compile(r"^rule (?P<rule>\S+) failed on (?P<resource>.+?): ")
_INTERNAL_ERROR = "internal error"
_UNDECIDED = re.compile(r"cannot be decided for .+?: (?P<rest>.*)$", re.DOTALL)
_NOT_KNOWN = re.compile(r"^`[^`]*` is not known \((?P<reason>.*)\)$", re.DOTALL)
# Variable parts of a reason, so that reasons differing only by a name group together.
_VARIABLE_PARTS = [
    (re.compile(r"`[^`]*`"), "`ATTRIBUTE`"),
    (re.compile(r'"[^"]*"'), '"NAME"'),
    (re.compile(r"<unknown: [^>]*>"), "<unknown: ...>"),
    (re.compile(r"\b(var|local|module|each|count)\.[\w-]+(?:\[[^\]]*\])?(?:\.[\w-]+)*"),
     r"\1.NAME"),
    (re.compile(r"\b(?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[\w-]+(?:\[[^\]]*\])?(?:\.[\w-]+)*"),
     "TYPE.NAME"),
    (re.compile(r"\b(parameter|bucket|key|alias|condition|mapping|resource|output) "
                r"(?!is\b|has\b|of\b|group\b)[\w./:-]+"), r"\1 NAME"),
    (re.compile(r"\b\d+\b"), "N"),
]


def outcome_counts(report: dict[str, Any]) -> dict[str, Any]:
    summary = report["summary"]
    problems = report["problems"]
    errors = sum(1 for problem in problems if RULE_ERROR.match(problem["reason"]))
    judged = summary["passed"] + summary["failed"] + summary["unknown"] + errors
    return {
        "files": summary["files_scanned"], "resources": summary["resources"],
        "PASS": summary["passed"], "FAIL": summary["failed"], "UNKNOWN": summary["unknown"],
        "ERROR": errors,
        # Crashes of ephi-lint outside the rules (parsing, evaluating, building models).
        "internal": sum(1 for problem in problems if _INTERNAL_ERROR in problem["reason"]
                        and not RULE_ERROR.match(problem["reason"])),
        "unknown_rate": summary["unknown"] / judged if judged else 0.0,
    }


def unknown_reason(message: str) -> str:
    """The cause of an UNKNOWN finding, with names and numbers replaced by placeholders."""
    match = _UNDECIDED.search(message)
    reason = match["rest"] if match else message
    inner = _NOT_KNOWN.match(reason)
    if inner:
        reason = inner["reason"]
    for pattern, replacement in _VARIABLE_PARTS:
        reason = pattern.sub(replacement, reason)
    return reason


def print_stats(reports: dict[str, dict[str, Any]], top: int = 15) -> None:
    columns = ["files", "resources", "PASS", "FAIL", "UNKNOWN", "ERROR", "internal"]
    width = max([len("corpus"), len("total"), *map(len, reports)])
    print(f"{'corpus':<{width}} " + " ".join(f"{name:>9}" for name in columns)
          + f" {'UNKNOWN %':>9}")
    totals: Counter[str] = Counter()
    for name, report in reports.items():
        counts = outcome_counts(report)
        totals.update({column: counts[column] for column in columns})
        print(f"{name:<{width}} " + " ".join(f"{counts[column]:>9}" for column in columns)
              + f" {100 * counts['unknown_rate']:>8.1f}%")
    judged = totals["PASS"] + totals["FAIL"] + totals["UNKNOWN"] + totals["ERROR"]
    rate = 100 * totals["UNKNOWN"] / judged if judged else 0.0
    print(f"{'total':<{width}} " + " ".join(f"{totals[column]:>9}" for column in columns)
          + f" {rate:>8.1f}%")
    reasons = Counter(unknown_reason(finding["message"]) for report in reports.values()
                      for finding in report["findings"] + report["suppressed"]
                      if finding["status"] == "unknown")
    print(f"\nTop {top} UNKNOWN reasons (of {sum(reasons.values())} UNKNOWN findings):")
    for reason, count in reasons.most_common(top):
        print(f"{count:>6}  {reason}")


def print_sample(reports: dict[str, dict[str, Any]], checkouts: dict[str, Path], size: int,
                 seed: int, context: int = 8) -> None:
    """`size` FAIL findings drawn with `seed` (the same seed gives the same sample), each
    with `context` source lines around its line, to label as true or false alarms."""
    fails = sorted(((name, finding) for name, report in reports.items()
                    for finding in report["findings"] if finding["status"] == "fail"),
                   key=lambda item: (item[0], item[1]["file"], item[1]["line"],
                                     item[1]["rule"], item[1]["resource"]))
    chosen = random.Random(seed).sample(fails, min(size, len(fails)))
    print(f"\nSample of {len(chosen)} FAIL findings of {len(fails)} (seed {seed}):")
    for number, (name, finding) in enumerate(chosen, 1):
        print(f"\n[{number}] {name}: {finding['file']}:{finding['line']} {finding['rule']} "
              f"{finding['resource']}\n    {finding['message']}")
        for line_number, text in source_lines(checkouts[name] / finding["file"],
                                              finding["line"], context):
            marker = ">" if line_number == finding["line"] else " "
            print(f"  {marker}{line_number:>5} | {text}")


def source_lines(path: Path, line: int, context: int) -> list[tuple[int, str]]:
    """`context` lines around `line` (a few before it, the rest after)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    first = max(1, line - context // 2 + 1)
    return [(number, lines[number - 1]) for number in range(first, first + context)
            if number <= len(lines)]
