"""How often ephi-lint's Terraform evaluator agrees with tfparse's, over the corpora.

Run on demand, after `python benchmarks/corpora.py fetch` (see docs/corpora.md):

    python benchmarks/tfparse_agreement.py [NAMES] [--examples 3]

Every root module of every corpus (module calls followed, as a scan does) is evaluated
by both; each argument value both know is compared (benchmarks/tfparse_values.py). The
figure: values compared, agreeing, disagreeing; then the disagreements grouped by
cause, a few examples each, to turn into evaluator fixes or into entries of
tests/tfparse_disagreements.yaml.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpora import cache_root, checkout, load_corpora  # noqa: E402
from benchmarks.tfparse_oracle import Disagreement, UnitComparison, compare_path  # noqa: E402
from benchmarks.tfparse_process import TfparseProcess  # noqa: E402
from benchmarks.tfparse_values import ABSENT  # noqa: E402

_FUNCTION = re.compile(r"\b([a-z][a-z0-9_]*)\(")
_REFERENCE = re.compile(r"\b(var|local|module|each|count|data)\.")


def cause_of(disagreement: Disagreement, source: Path) -> str:
    """A short label that groups disagreements with one fix: what the values have in
    common, else what the attribute's source line does."""
    ours, theirs = disagreement.ephi_lint, disagreement.tfparse
    if disagreement.attribute == "(declaration)":
        return "declared at another file or line"
    if disagreement.attribute == "(instance)":
        side = "ephi-lint" if theirs == ABSENT else "tfparse"
        return f"instance only {side} has (count/for_each, module calls)"
    if ours == {} and theirs == []:
        return "empty map against empty list (tfparse reads a for_each resource as a list)"
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        return "number arithmetic or precision"
    if isinstance(ours, list) and isinstance(theirs, list) and \
            sorted(map(json.dumps, ours)) == sorted(map(json.dumps, theirs)):
        return "element order (sets and sorted collections)"
    if isinstance(ours, str) and isinstance(theirs, str) and _same_json(ours, theirs):
        return "JSON text differs, same document (key order, escaping)"
    if ABSENT in (ours, theirs):
        side = "ephi-lint" if theirs == ABSENT else "tfparse"
        return f"argument only {side} has (nested blocks, object attributes)"
    line = _source_line(source, disagreement.line)
    functions = [name for name in _FUNCTION.findall(line) if name not in ("for", "if")]
    if functions:
        return f"function {functions[0]}()"
    if re.search(r"\[\s*for\b|\{\s*for\b", line):
        return "for expression"
    if "?" in line:
        return "conditional"
    if "${" in line or "%{" in line:
        return "string template"
    match = _REFERENCE.search(line)
    if match:
        return f"reference to {match[1]}."
    return "other"


def _same_json(first: str, second: str) -> bool:
    try:
        return json.loads(first) == json.loads(second)
    except ValueError:
        return False


def _source_line(path: Path, line: int) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[line - 1] if 0 < line <= len(lines) else ""


def summarise(name: str, comparisons: list[UnitComparison]) -> dict[str, Any]:
    disagreeing = sum(len(item.disagreements) for item in comparisons)
    compared = sum(len(item.compared) for item in comparisons)
    # An instance present on one side only is a disagreement that no value count holds.
    value_disagreements = sum(1 for item in comparisons for entry in item.disagreements
                              if not entry.attribute.startswith("("))
    return {"corpus": name, "roots": len(comparisons),
            "resources": sum(len(item.resources) for item in comparisons),
            "skipped": sum(item.skipped for item in comparisons),
            "compared": compared, "agreeing": compared - value_disagreements,
            "disagreeing": disagreeing,
            "problems": sum(len(item.problems) for item in comparisons)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--examples", type=int, default=3,
                        help="disagreements shown per cause (default 3)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds tfparse may take per root module (default 30)")
    arguments = parser.parse_args(argv)
    cache = arguments.cache or cache_root()
    rows = []
    causes: dict[str, list[tuple[str, Disagreement]]] = defaultdict(list)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tfparse-agreement-") as scratch, \
            TfparseProcess(arguments.timeout) as tfparse:
        for corpus in load_corpora(arguments.names):
            directory = checkout(corpus, cache)
            comparisons = compare_path(directory, directory, Path(scratch), tfparse)
            if not comparisons:
                continue  # no Terraform in it
            rows.append(summarise(corpus.name, comparisons))
            for comparison in comparisons:
                problems += [f"{corpus.name}: {comparison.unit}: {problem}"
                             for problem in comparison.problems]
                for entry in comparison.disagreements:
                    causes[cause_of(entry, directory / entry.path)].append((corpus.name, entry))
    _print_table(rows)
    if problems:
        print(f"\nRoot modules not compared ({len(problems)}):")
        for problem in problems:
            print(f"  {problem[:300]}")
    print(f"\nDisagreements by cause ({sum(map(len, causes.values()))}):")
    for cause, entries in sorted(causes.items(), key=lambda item: (-len(item[1]), item[0])):
        print(f"\n{len(entries):>5}  {cause}")
        for name, entry in entries[:arguments.examples]:
            print(f"       {name}: {entry.path}:{entry.line} {entry.resource} {entry.attribute}\n"
                  f"         ephi-lint: {_short(entry.ephi_lint)}\n"
                  f"         tfparse:   {_short(entry.tfparse)}")
    return 0


def _print_table(rows: list[dict[str, Any]]) -> None:
    columns = ["roots", "resources", "skipped", "compared", "agreeing", "disagreeing",
               "problems"]
    width = max([len("corpus"), *(len(row["corpus"]) for row in rows)])
    print(f"{'corpus':<{width}} " + " ".join(f"{column:>11}" for column in columns)
          + f" {'agreement':>9}")
    totals = {column: sum(row[column] for row in rows) for column in columns}
    for row in [*rows, {"corpus": "total", **totals}]:
        rate = 100 * row["agreeing"] / row["compared"] if row["compared"] else 100.0
        print(f"{row['corpus']:<{width}} " + " ".join(f"{row[column]:>11}" for column in columns)
              + f" {rate:>8.2f}%")
    print("\nskipped: instances whose count/for_each one side cannot know; compared: values "
          "both sides know; disagreeing includes instances only one side has.")


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value)
    return text if len(text) <= limit else text[:limit] + "..."


if __name__ == "__main__":
    sys.exit(main())
