"""ephi-lint against public repositories pinned at one commit: a real-world regression suite.

Run on demand (CI has no network); see docs/corpora.md:

    python benchmarks/corpora.py fetch [--mirror-root /work/.mirror]
    python benchmarks/corpora.py scan [NAMES]
    python benchmarks/corpora.py check [NAMES] [--update]
    python benchmarks/corpora.py stats [NAMES] [--sample-fails N --seed S]

The corpora are listed in benchmarks/corpora.yaml; they are checked out into a cache
folder outside the repository ($EPHI_LINT_CORPORA, default ~/.cache/ephi-lint/corpora).
`check` compares a fresh scan with benchmarks/expected/<name>.json, so a change to
ephi-lint shows exactly which findings it adds and removes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

if __package__ in (None, ""):  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpora_stats import RULE_ERROR, print_sample, print_stats  # noqa: E402

REPOSITORY = Path(__file__).resolve().parents[1]
CATALOGUE = Path(__file__).with_name("corpora.yaml")
EXPECTED = Path(__file__).with_name("expected")


@dataclass(frozen=True)
class Corpus:
    name: str
    repository: str  # GitHub owner/name
    commit: str
    kind: str  # terraform / cloudformation / kubernetes
    why: str

    @property
    def url(self) -> str:
        return f"https://github.com/{self.repository}"

    def mirror(self, mirror_root: Path) -> Path:
        """A bare mirror laid out as OWNER+NAME/repo under `mirror_root`."""
        return mirror_root / self.repository.replace("/", "+") / "repo"


def load_corpora(names: list[str] | None = None) -> list[Corpus]:
    """The catalogue, or the named corpora in catalogue order (an unknown name is an error)."""
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    corpora = [Corpus(**entry) for entry in data["corpora"]]
    if not names:
        return corpora
    unknown = sorted(set(names) - {corpus.name for corpus in corpora})
    if unknown:
        raise SystemExit(f"unknown corpus: {', '.join(unknown)} (see {CATALOGUE.name})")
    return [corpus for corpus in corpora if corpus.name in names]


def cache_root() -> Path:
    configured = os.environ.get("EPHI_LINT_CORPORA")
    return Path(configured) if configured else Path.home() / ".cache" / "ephi-lint" / "corpora"


# --- fetch -----------------------------------------------------------------------------

def _git(*args: str, cwd: Path | None = None, check: bool = True) -> str:
    completed = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and completed.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {completed.stderr.strip()}")
    return completed.stdout.strip() if completed.returncode == 0 else ""


def fetch(corpus: Corpus, cache: Path, mirror_root: Path | None = None) -> tuple[Path, str]:
    """The corpus checked out at its pinned commit in `cache` (and what was done); does
    nothing when it already is.

    From a local bare mirror (`mirror_root`) or from GitHub. A checkout whose files were
    changed is restored: the cache folder belongs to this tool.
    """
    destination = cache / corpus.name
    if (destination / ".git").is_dir():
        head = _git("rev-parse", "HEAD", cwd=destination, check=False)
        if head == corpus.commit and not _git("status", "--porcelain", cwd=destination):
            return destination, "already at the pinned commit"
    elif destination.exists():
        raise RuntimeError(f"{destination} exists and is not a git checkout: remove it")
    else:
        source = corpus.url
        if mirror_root is not None:
            mirror = corpus.mirror(mirror_root)
            if not mirror.is_dir():
                raise RuntimeError(f"{corpus.name}: no mirror at {mirror}")
            source = str(mirror)
        cache.mkdir(parents=True, exist_ok=True)
        _git("clone", "--quiet", "--no-checkout", source, str(destination))
    if not _git("cat-file", "-t", f"{corpus.commit}^{{commit}}", cwd=destination, check=False):
        _git("fetch", "--quiet", "origin", corpus.commit, cwd=destination)
    absent = absent_files(destination, corpus.commit)
    if absent:
        # A mirror may leave out its largest blobs (binary archives); a sparse checkout
        # leaves those paths out instead of failing, at the same commit.
        print(f"{corpus.name}: not in the mirror, left out: {', '.join(absent)}")
        _git("sparse-checkout", "set", "--no-cone", "/*",
             *(f"!/{_escape_pattern(path)}" for path in absent), cwd=destination)
    _git("checkout", "--quiet", "--force", "--detach", corpus.commit, cwd=destination)
    _git("clean", "--quiet", "-ffdx", cwd=destination)
    head = _git("rev-parse", "HEAD", cwd=destination)
    if head != corpus.commit:
        raise RuntimeError(f"{corpus.name}: checked out {head}, expected {corpus.commit}")
    return destination, f"checked out {corpus.commit[:12]}"


def absent_files(destination: Path, commit: str) -> list[str]:
    """Files of the commit whose content the clone does not have."""
    listing = _git("ls-tree", "-r", "-z", commit, cwd=destination)
    entries = [entry.split("\t", 1) for entry in listing.split("\0") if entry]
    blobs = [(meta.split()[2], path) for meta, path in entries if meta.split()[1] == "blob"]
    completed = subprocess.run(["git", "cat-file", "--batch-check"], cwd=destination,
                               input="".join(f"{sha}\n" for sha, _ in blobs),
                               capture_output=True, text=True)
    missing = {line.split()[0] for line in completed.stdout.splitlines()
               if line.endswith(" missing")}
    return sorted(path for sha, path in blobs if sha in missing)


def _escape_pattern(path: str) -> str:
    return re.sub(r"([*?\[\\!#])", r"\\\1", path)


def checkout(corpus: Corpus, cache: Path) -> Path:
    """The fetched checkout, verified to be at the pinned commit."""
    destination = cache / corpus.name
    head = _git("rev-parse", "HEAD", cwd=destination, check=False) \
        if (destination / ".git").is_dir() else ""
    if head != corpus.commit:
        raise SystemExit(f"{corpus.name} is not fetched at {corpus.commit[:12]} in {cache}: "
                         "run `python benchmarks/corpora.py fetch` first")
    return destination


# --- scan ------------------------------------------------------------------------------

def run_scan(directory: Path) -> dict[str, Any]:
    """`ephi-lint scan . --format json` in the corpus folder, with this checkout's code.

    --no-config: a corpus's own .ephi-lint.yaml (or one above the cache) must not change
    what is found. Exit codes 0 to 2 are results; anything else is a crash.
    """
    completed = subprocess.run(
        [sys.executable, "-m", "linter.cli", "scan", ".", "--format", "json", "--no-config"],
        cwd=directory, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)})
    try:
        if completed.returncode in (0, 1, 2):
            return json.loads(completed.stdout)
    except ValueError:
        pass
    raise RuntimeError(f"ephi-lint crashed on {directory} (exit {completed.returncode}):\n"
                       f"{completed.stderr[-3000:]}")


def normalise(raw: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Sorted finding records and problems, free of what changes between runs (time,
    fingerprints, the wording of FAIL messages).

    Findings that read the same (one module called from several example roots gives
    the same address, file and line in each) are one record with a `count`.
    """
    findings: Counter[str] = Counter()
    for item, suppressed in [(item, False) for item in raw["findings"]] + \
                            [(item, True) for item in raw["suppressed"]]:
        record = {"rule": item["rule"], "status": item["status"].upper(), "path": item["file"],
                  "line": item["line"], "resource": item["resource"]}
        for key in ("element", "attribute"):
            if item.get(key):
                record[key] = item[key]
        if item["status"] == "unknown":
            record["reason"] = item["message"]
        if suppressed:
            record["suppressed"] = True
        findings[json.dumps(record, sort_keys=True)] += 1
    problems = []
    for problem in raw["problems"]:
        match = RULE_ERROR.match(problem["reason"])
        if match:  # an ERROR outcome: a rule that crashed on one resource
            findings[json.dumps({"rule": match["rule"], "status": "ERROR",
                                 "path": problem["file"], "line": None,
                                 "resource": match["resource"], "reason": problem["reason"]},
                                sort_keys=True)] += 1
        else:
            problems.append({"path": problem["file"], "level": problem["level"],
                             "reason": problem["reason"]})
    records = [{**json.loads(text), **({"count": count} if count > 1 else {})}
               for text, count in findings.items()]
    return {"findings": sorted(records, key=_record_key),
            "problems": sorted(problems, key=_record_key)}


def _record_key(record: dict[str, Any]) -> tuple[Any, ...]:
    return (record.get("path", ""), record.get("line") or 0, record.get("rule", ""),
            record.get("resource", ""), json.dumps(record, sort_keys=True))


def render_expected(corpus: Corpus, records: dict[str, list[dict[str, Any]]]) -> str:
    """One record per line, so a change's diff shows exactly the findings it touches."""
    lines = ["{", f'  "corpus": {json.dumps(corpus.name)},',
             f'  "commit": {json.dumps(corpus.commit)},']
    for index, section in enumerate(("findings", "problems")):
        items = [json.dumps(item, sort_keys=True) for item in records[section]]
        body = "".join(f"\n    {item}," for item in items).rstrip(",")
        closing = "\n  ]" if items else "]"
        lines.append(f'  "{section}": [{body}{closing}' + ("," if index == 0 else ""))
    return "\n".join(lines) + "\n}\n"


def scan_corpus(corpus: Corpus, cache: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The raw JSON report and its normalised records, both also written to the cache."""
    raw = run_scan(checkout(corpus, cache))
    records = normalise(raw)
    results = cache / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"{corpus.name}.raw.json").write_text(json.dumps(raw, indent=1) + "\n")
    (results / f"{corpus.name}.json").write_text(render_expected(corpus, records))
    return raw, records


# --- check -----------------------------------------------------------------------------

def changes(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """`+`/`-` lines: records the new scan adds and removes, findings then problems."""
    lines = []
    for section in ("findings", "problems"):
        before = {json.dumps(item, sort_keys=True) for item in expected.get(section, [])}
        after = {json.dumps(item, sort_keys=True) for item in actual[section]}
        lines += [f"  - {section[:-1]}: {item}" for item in sorted(before - after)]
        lines += [f"  + {section[:-1]}: {item}" for item in sorted(after - before)]
    return lines


def check(corpora: list[Corpus], cache: Path, update: bool) -> int:
    """Exit status 1 when any corpus's findings differ from its expected file (or it has
    none); with `update`, the expected files are rewritten instead."""
    differing = False
    for corpus in corpora:
        _, records = scan_corpus(corpus, cache)
        target = EXPECTED / f"{corpus.name}.json"
        if update:
            EXPECTED.mkdir(exist_ok=True)
            target.write_text(render_expected(corpus, records), encoding="utf-8")
            print(f"{corpus.name}: wrote {target.relative_to(REPOSITORY)}")
            continue
        if not target.is_file():
            print(f"{corpus.name}: no {target.relative_to(REPOSITORY)} (run check --update)")
            differing = True
            continue
        expected = json.loads(target.read_text(encoding="utf-8"))
        if expected.get("commit") != corpus.commit:
            print(f"{corpus.name}: the expected file is for commit "
                  f"{str(expected.get('commit'))[:12]}, the catalogue pins {corpus.commit[:12]}")
            differing = True
        lines = changes(expected, records)
        print(f"{corpus.name}: {f'{len(lines)} changes' if lines else 'no change'}")
        for line in lines:
            print(line)
        differing = differing or bool(lines)
    return 1 if differing else 0


# --- command line ------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=None,
                        help="checkout folder (default: $EPHI_LINT_CORPORA or "
                             "~/.cache/ephi-lint/corpora)")
    commands = parser.add_subparsers(dest="command", required=True)
    fetch_command = commands.add_parser("fetch", help="check out every corpus at its commit")
    fetch_command.add_argument("names", nargs="*")
    fetch_command.add_argument("--mirror-root", type=Path, default=None,
                               help="clone from local bare mirrors OWNER+NAME/repo here")
    scan_command = commands.add_parser("scan", help="scan and write normalised findings")
    scan_command.add_argument("names", nargs="*")
    check_command = commands.add_parser("check", help="compare with benchmarks/expected/")
    check_command.add_argument("names", nargs="*")
    check_command.add_argument("--update", action="store_true",
                               help="rewrite the expected files with this scan")
    stats_command = commands.add_parser("stats", help="outcome counts and UNKNOWN reasons")
    stats_command.add_argument("names", nargs="*")
    stats_command.add_argument("--sample-fails", type=int, default=0, metavar="N",
                               help="print N random FAIL findings with their source lines")
    stats_command.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args(argv)
    cache = arguments.cache or cache_root()
    corpora = load_corpora(arguments.names)
    if arguments.command == "fetch":
        for corpus in corpora:
            destination, action = fetch(corpus, cache, arguments.mirror_root)
            print(f"{corpus.name}: {action} in {destination}")
        return 0
    if arguments.command == "scan":
        for corpus in corpora:
            _, records = scan_corpus(corpus, cache)
            print(f"{corpus.name}: {len(records['findings'])} findings, "
                  f"{len(records['problems'])} problems -> {cache / 'results' / corpus.name}.json")
        return 0
    if arguments.command == "check":
        return check(corpora, cache, arguments.update)
    reports = {corpus.name: scan_corpus(corpus, cache)[0] for corpus in corpora}
    print_stats(reports)
    if arguments.sample_fails:
        print_sample(reports, {corpus.name: checkout(corpus, cache) for corpus in corpora},
                     arguments.sample_fails, arguments.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
