"""Whole-process speed and memory of ephi-lint against checkov, measured in one run.

Run on demand (not part of the test suite; it takes tens of minutes), see docs/benchmarks.md:

    python benchmarks/bench_speed.py [--runs 3] [--workloads NAMES] [--checkov PATH]

Every workload runs ephi-lint and checkov alternately, `--runs` times each, as whole
processes under `/usr/bin/time -v` (wall time and maximum resident set size); the table
gives medians and the ratio ephi-lint/checkov, since the machines are shared and noisy
and only figures taken side by side compare. The result is also written as JSON under
/tmp (`--json` moves it).

Workloads (the figures of issue 14):
- one-file: one Terraform file as pre-commit runs it (`--changed-files`, the file's module
  folder loaded with it), ephi-lint with an empty cache folder; checkov `-f FILE`.
- modules: terraform-aws-rds, -s3-bucket, -eks and -alb (pinned corpora of
  benchmarks/corpora.yaml) in one process; ephi-lint cold (empty cache) and warm (a
  second run over the cache the cold run filled).
- fixtures: the corpus of benchmarks/bench_scan.py (examples/ and fixtures/ copied
  `--copies` times), Terraform, CloudFormation and Kubernetes.
- many-small / large-file: 20,000 small .tf files in root modules of 10, and one 3 MB
  .tf file (benchmarks/gen_trees.py); checkov runs once there, under
  `--checkov-timeout`, and is "not measured" when it takes longer.

The ephi-lint measured is the working tree as installed, or with `--ephi-lint-commit REV`
(repeatable, for a before/after against the same checkov runs) a commit's wheel built and
installed into the scratch folder, as pip and pre-commit install it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_scan import build_corpus  # noqa: E402
from benchmarks.corpora import cache_root, checkout, load_corpora  # noqa: E402
from benchmarks.gen_trees import write_big, write_many  # noqa: E402

REPOSITORY = Path(__file__).resolve().parents[1]
TIME = "/usr/bin/time"
DEFAULT_CHECKOV = Path.home() / ".cache" / "ephi-lint" / "checkov-venv" / "bin" / "checkov"
MODULE_CORPORA = ["aws-rds", "aws-s3-bucket", "aws-eks", "aws-alb"]
# A resource file in a module folder of four files: what a pre-commit run on a typical
# change sees.
ONE_FILE = ("aws-rds", "modules/db_instance/main.tf")
WORKLOADS = ["one-file", "modules", "fixtures", "many-small", "large-file"]
# ephi-lint exits 0 (clean) or 1 (findings); 2 is an error. So does checkov (0/1).
GOOD_EXITS = (0, 1)
# How often the process tree's summed RSS is sampled: /usr/bin/time reports the largest
# single process, which a process pool's workers would hide.
SAMPLE_SECONDS = 0.25
# The tree-RSS sampler starts this late: reading /proc/PID/status takes the process's
# memory lock and stalls its page faults, which slowed a 0.25 s start-up-bound run by up to
# 50% (0.25 -> 0.38 s). A process group that ends sooner is one process (ephi-lint forks
# workers only for 128 files or more), whose peak `time -v` reports itself.
SAMPLE_START_SECONDS = 0.5


@dataclass
class Run:
    wall: float  # seconds, start to end of `time` and the tool under it
    max_rss_mib: float  # largest single process of the tree (/usr/bin/time -v)
    tree_rss_mib: float  # the process tree's summed RSS, sampled every SAMPLE_SECONDS
    exit: int
    error: str = ""  # stderr tail on a bad exit, or "timeout"


@dataclass
class Row:
    workload: str
    variant: str  # which ephi-lint code ran: the working tree or a commit
    description: str
    files: int
    ephi_lint: list[Run] = field(default_factory=list)
    checkov: list[Run] = field(default_factory=list)
    checkov_note: str = ""  # why checkov has no figure
    target: str = ""  # the done-when, for reading the table
    checkov_row: str = ""  # the row holding the checkov runs this row is compared with
    cold_row: str = ""  # for a warm row: the cold row of the same code

    @property
    def key(self) -> str:
        return f"{self.workload} @{self.variant}"

    def median(self, tool: str, key: str) -> float | None:
        runs = [run for run in getattr(self, tool) if run.error == ""]
        return statistics.median(getattr(run, key) for run in runs) if runs else None


# --- measuring -----------------------------------------------------------------------------

def _group_rss_kib(group: int) -> int:
    """Summed VmRSS of every live process in the process group `group`."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            if int(fields[2]) != group:  # fields after the name: state, ppid, pgrp
                continue
            with open(f"/proc/{entry.name}/status", encoding="ascii",
                      errors="replace") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except (OSError, IndexError, ValueError):
            continue  # the process ended between the listing and the read
    return total


def measure(command: list[str], environment: dict[str, str], cwd: Path,
            timeout: float) -> Run:
    """One whole-process run under /usr/bin/time -v, in its own process group so a
    timeout ends the tool and its workers, not just `time`. The wall time is this
    process's own clock from start to end: `time` prints whole hundredths, cut (not
    rounded), 10 ms that a warm run of ~80 ms, a fifth of its cold run, cannot spare."""
    with tempfile.NamedTemporaryFile(prefix="ephi-bench-time-", suffix=".txt") as report:
        started = time.perf_counter()
        process = subprocess.Popen([TIME, "-v", "-o", report.name, *command], cwd=cwd,
                                   env=environment, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True)
        peak = [0]
        finished = threading.Event()

        def sample() -> None:
            if finished.wait(SAMPLE_START_SECONDS):
                return
            while True:
                peak[0] = max(peak[0], _group_rss_kib(process.pid))
                if finished.wait(SAMPLE_SECONDS):
                    return

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            _, stderr = process.communicate(timeout=timeout)
            wall = time.perf_counter() - started
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return Run(timeout, 0.0, peak[0] / 1024, -1, "timeout")
        finally:
            finished.set()
            sampler.join()
        figures = _parse_time_report(Path(report.name).read_text(encoding="utf-8"))
    code = figures.get("Exit status", process.returncode)
    error = "" if code in GOOD_EXITS else stderr.decode(errors="replace")[-2000:] or "no stderr"
    return Run(wall, figures["Maximum resident set size (kbytes)"] / 1024,
               max(peak[0], figures["Maximum resident set size (kbytes)"]) / 1024, code, error)


def _parse_time_report(text: str) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for line in text.splitlines():
        name, _, value = line.strip().rpartition(": ")
        if name.startswith("Elapsed (wall clock) time"):
            seconds = 0.0
            for part in value.split(":"):  # h:mm:ss or m:ss.ss
                seconds = seconds * 60 + float(part)
            figures["wall"] = seconds
        elif name in ("Maximum resident set size (kbytes)", "Exit status"):
            figures[name] = int(value)
    if "wall" not in figures or "Maximum resident set size (kbytes)" not in figures:
        raise RuntimeError(f"{TIME} -v wrote no figures:\n{text[-2000:]}")
    return figures


# --- workloads -----------------------------------------------------------------------------

@dataclass
class Variant:
    label: str  # "working tree" or a short commit
    environment: dict[str, str]  # PYTHONPATH of an exported commit
    # How an exported commit starts: its own console script (the entry point moved from
    # linter.cli:run to linter.launch:run, so one script cannot start every commit).
    command: list[str] | None = None


@dataclass
class Tools:
    ephi_lint: list[str]
    checkov: list[str] | None
    workdir: Path  # where the processes run: a temporary folder, no config above it
    timeout: float
    checkov_timeout: float
    variants: list[Variant]

    def ephi_lint_run(self, variant: Variant, arguments: list[str], cache: Path) -> Run:
        environment = {**os.environ, **variant.environment, "EPHI_LINT_CACHE_DIR": str(cache)}
        return measure([*(variant.command or self.ephi_lint), "scan", *arguments, "-q",
                        "-f", "json", "-o", os.devnull, "--no-config"], environment,
                       self.workdir, self.timeout)

    def checkov_run(self, arguments: list[str], timeout: float | None = None) -> Run:
        assert self.checkov is not None
        # BC_SKIP_MAPPING: no attempt to download Prisma Cloud's guidelines (offline, and
        # not part of scanning).
        environment = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
        return measure([*self.checkov, *arguments, "--quiet", "--compact", "-o", "json"],
                       environment, self.workdir, timeout or self.timeout)


def count_files(paths: list[Path], suffixes: tuple[str, ...] | None = None) -> int:
    total = 0
    for path in paths:
        candidates = [path] if path.is_file() else \
            (item for item in path.rglob("*") if ".git" not in item.parts)
        total += sum(1 for item in candidates if item.is_file()
                     and (suffixes is None or item.name.endswith(suffixes)))
    return total


@dataclass
class Workload:
    name: str
    description: str
    files: int
    ours: list[str]  # ephi-lint scan arguments
    theirs: list[str] | None  # checkov arguments, None: checkov runs once, see generated()
    warm: bool = False  # also a second ephi-lint run over the cache the cold run filled
    target: str = ""
    warm_target: str = ""


def run_paired(tools: Tools, workload: Workload, runs: int, scratch: Path) -> list[Row]:
    """Each ephi-lint code cold, checkov, then (with `warm`) each code again over the cache
    its cold run just filled, `runs` times: the tools alternate, so load on the shared
    machine falls on all of them."""
    cold_rows, warm_rows = [], []
    for variant in tools.variants:
        cold = Row(workload.name, variant.label, workload.description + ", cold cache",
                   workload.files, target=workload.target)
        cold_rows.append(cold)
        if workload.warm:
            warm_rows.append(Row(workload.name + "-warm", variant.label,
                                 workload.description + ", warm cache", workload.files,
                                 target=workload.warm_target, cold_row=cold.key))
    for row in cold_rows[1:] + warm_rows:
        row.checkov_row = cold_rows[0].key
    for index in range(runs):
        caches = []
        for variant, cold in zip(tools.variants, cold_rows):
            caches.append(Path(tempfile.mkdtemp(prefix=f"cache-{index}-", dir=scratch)))
            cold.ephi_lint.append(tools.ephi_lint_run(variant, workload.ours, caches[-1]))
        if workload.theirs is not None and tools.checkov is not None:
            cold_rows[0].checkov.append(tools.checkov_run(workload.theirs))
        for variant, warm, cache in zip(tools.variants, warm_rows, caches):
            warm.ephi_lint.append(tools.ephi_lint_run(variant, workload.ours, cache))
        for cache in caches:
            shutil.rmtree(cache, ignore_errors=True)
        progress = [f"{row.variant}: {_run_text(row.ephi_lint[-1])}"
                    for row in cold_rows + warm_rows]
        if cold_rows[0].checkov:
            progress.append(f"checkov: {_run_text(cold_rows[0].checkov[-1])}")
        print(f"  {workload.name} run {index + 1}/{runs}: " + "; ".join(progress), flush=True)
    return cold_rows + warm_rows


def _run_text(run: Run) -> str:
    if run.error:
        return f"ERROR exit {run.exit}: {run.error.strip().splitlines()[-1:]}"
    return f"{run.wall:.2f}s {run.max_rss_mib:.0f}MiB (exit {run.exit})"


def one_file(tools: Tools, runs: int, scratch: Path, corpora: Path) -> list[Row]:
    corpus, relative = ONE_FILE
    path = checkout(load_corpora([corpus])[0], corpora) / relative
    return run_paired(tools, Workload(
        "one-file", f"{corpus}/{relative}, as pre-commit runs it", 1,
        ["--changed-files", "--no-color", str(path)],
        ["-f", str(path), "--framework", "terraform"], warm=True,
        target="<= 0.25 s wall"), runs, scratch)


def modules(tools: Tools, runs: int, scratch: Path, corpora: Path) -> list[Row]:
    folders = [checkout(corpus, corpora) for corpus in load_corpora(MODULE_CORPORA)]
    theirs = [argument for folder in folders for argument in ("-d", str(folder))]
    return run_paired(tools, Workload(
        "modules", " + ".join(MODULE_CORPORA), count_files(folders, (".tf",)),
        [str(folder) for folder in folders], [*theirs, "--framework", "terraform"],
        warm=True, target=">= 80x faster (ratio <= 0.0125)",
        warm_target="<= 20% of cold"), runs, scratch)


def fixtures(tools: Tools, runs: int, scratch: Path, copies: int) -> list[Row]:
    corpus = scratch / "fixture-corpus"
    files = build_corpus(corpus, copies)
    # CKV_K8S_108 raises IndexError on fixtures/ACC-301/pass.k8s.yaml (a container
    # command without "="), and checkov 3.3.30 then hangs joining its framework workers;
    # skipping that one check lets it finish.
    rows = run_paired(tools, Workload(
        "fixtures", f"examples/ + fixtures/ x{copies} (bench_scan.py)", files, [str(corpus)],
        ["-d", str(corpus), "--framework", "terraform", "cloudformation", "kubernetes",
         "--skip-check", "CKV_K8S_108"], target=">= 10x faster (ratio <= 0.10)"),
        runs, scratch)
    shutil.rmtree(corpus, ignore_errors=True)
    return rows


def generated(tools: Tools, runs: int, scratch: Path, name: str, small_files: int,
              large_megabytes: float) -> list[Row]:
    """The trees of benchmarks/gen_trees.py: ephi-lint `runs` times; checkov once, under
    --checkov-timeout (it may take hours on 20,000 files)."""
    folder = scratch / name
    if name == "many-small":
        files = write_many(folder, small_files, 10)
        workload = Workload(name, f"{files:,} small .tf files in root modules of 10 "
                            "(gen_trees.py many)", files, [str(folder)], None,
                            target="<= 10 s wall, <= 300 MB peak")
    else:
        write_big(folder, large_megabytes)
        workload = Workload(name, f"one {large_megabytes:g} MB main.tf and its variables.tf "
                            "(gen_trees.py big)", 2, [str(folder)], None,
                            target="<= 150 MB peak")
    rows = run_paired(tools, workload, runs, scratch)
    if tools.checkov is None:
        rows[0].checkov_note = "no checkov"
    else:
        run = tools.checkov_run(["-d", str(folder), "--framework", "terraform"],
                                tools.checkov_timeout)
        if run.error == "timeout":
            rows[0].checkov_note = f"not measured (over {tools.checkov_timeout:.0f} s)"
        else:
            rows[0].checkov.append(run)
        print(f"  {name} checkov, one run: {rows[0].checkov_note or _run_text(run)}",
              flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    return rows


# --- report --------------------------------------------------------------------------------

def table(rows: list[Row]) -> str:
    by_key = {row.key: row for row in rows}
    header = ("| workload | ephi-lint code | files | ephi-lint wall | ephi-lint max RSS | "
              "ephi-lint tree RSS | checkov wall | checkov max RSS | wall ratio | "
              "RSS ratio | done when |")
    lines = [header, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for row in rows:
        baseline = by_key.get(row.checkov_row, row)
        our_wall = row.median("ephi_lint", "wall")
        our_rss = row.median("ephi_lint", "max_rss_mib")
        their_wall = baseline.median("checkov", "wall")
        their_rss = baseline.median("checkov", "max_rss_mib")
        cells = [row.workload, row.variant, f"{row.files:,}", _seconds(our_wall), _mib(our_rss),
                 _mib(row.median("ephi_lint", "tree_rss_mib"))]
        if their_wall is None:
            cells += [baseline.checkov_note or "not measured", "", "", ""]
        else:
            cells += [_seconds(their_wall), _mib(their_rss), _ratio(our_wall, their_wall),
                      "" if row.cold_row else _ratio(our_rss, their_rss)]
        target = row.target
        cold_wall = by_key[row.cold_row].median("ephi_lint", "wall") if row.cold_row else None
        if cold_wall and our_wall is not None:
            target += f" (warm/cold {our_wall / cold_wall:.0%})"
        cells.append(target)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _seconds(value: float | None) -> str:
    return "error" if value is None else f"{value:.2f} s"


def _mib(value: float | None) -> str:
    return "" if value is None else f"{value:.0f} MiB"


def _ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or not theirs:
        return ""
    speed_up = theirs / ours if ours else 0.0
    return f"{ours / theirs:.3f} ({speed_up:.{0 if speed_up >= 10 else 1}f}x)" if ours else ""


def version_of(command: list[str], environment: dict[str, str] | None = None) -> str:
    completed = subprocess.run([*command, "--version"], capture_output=True, text=True,
                               env={**os.environ, **(environment or {})})
    return (completed.stdout or completed.stderr).strip().splitlines()[-1:][0] \
        if (completed.stdout or completed.stderr).strip() else "unknown"


def ephi_lint_command(configured: str | None) -> list[str]:
    if configured:
        return [configured]
    script = Path(sys.executable).with_name("ephi-lint")  # the console script users run
    return [str(script)] if script.is_file() else [sys.executable, "-m", "linter.launch"]


def checkout_state() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPOSITORY,
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           cwd=REPOSITORY, capture_output=True, text=True).stdout.strip()
    return f"working tree at {head}{' with uncommitted changes' if dirty else ''}"


def export_commit(revision: str, target: Path, wheel: bool) -> tuple[Variant, str]:
    """The committed code of `revision` (none of the working tree's edits) under `target`,
    run as the installed console script with it first on PYTHONPATH.

    With `wheel`, as pip and pre-commit install it: a wheel built from the commit (its build
    hook compiles the rule catalogue into the package), installed into a folder; else the
    source tree as a checkout runs it (the catalogue compiled into the cache on first use).
    """
    commit = subprocess.run(["git", "rev-parse", "--short", f"{revision}^{{commit}}"],
                            cwd=REPOSITORY, capture_output=True, text=True,
                            check=True).stdout.strip()
    source = target / "source"
    source.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", commit],
                             cwd=REPOSITORY, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    if not wheel:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(source / "linter")],
                       check=True)
        return Variant(f"{commit} source", {"PYTHONPATH": str(source)},
                       _console_script(source / "pyproject.toml")), \
            f"commit {commit} (git archive, run from source)"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(target / "dist"), str(source)],
                   check=True, capture_output=True)
    built = next((target / "dist").glob("*.whl"))
    installed = target / "site"
    subprocess.run([*pip, "install", "--no-deps", "--compile", "--target", str(installed),
                    str(built)], check=True, capture_output=True)
    script = installed / "bin" / "ephi-lint"  # pip writes it with this Python's path
    return Variant(f"{commit} wheel", {"PYTHONPATH": str(installed)},
                   [str(script)] if script.is_file() else None), \
        f"commit {commit} ({built.name} built from git archive, installed)"


def _console_script(pyproject: Path) -> list[str]:
    """The commit's `ephi-lint` entry point run as its console script runs it."""
    import tomllib

    target = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["scripts"][
        "ephi-lint"]
    module, function = target.split(":")
    return [sys.executable, "-c", f"import sys; sys.argv[0] = 'ephi-lint'; "
                                  f"from {module} import {function}; sys.exit({function}())"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per tool and workload")
    parser.add_argument("--workloads", default=",".join(WORKLOADS),
                        help=f"comma-separated, of {', '.join(WORKLOADS)}")
    parser.add_argument("--checkov", default=None,
                        help=f"checkov executable (default {DEFAULT_CHECKOV}, else PATH); "
                             "'none' measures ephi-lint alone")
    parser.add_argument("--ephi-lint", default=None,
                        help="ephi-lint executable (default: the one beside this Python)")
    parser.add_argument("--ephi-lint-commit", action="append", metavar="REV",
                        help="measure the committed code of REV (git archive into the "
                             "scratch folder); repeat to compare several commits against "
                             "the same checkov runs; 'worktree' is the working tree "
                             "(the default)")
    parser.add_argument("--install", choices=["wheel", "source"], default="wheel",
                        help="how a --ephi-lint-commit runs: a wheel built and installed "
                             "as pip and pre-commit do (default), or its source tree")
    parser.add_argument("--copies", type=int, default=20, help="fixture corpus copies")
    parser.add_argument("--small-files", type=int, default=20_000)
    parser.add_argument("--large-mb", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds before one run counts as failed")
    parser.add_argument("--checkov-timeout", type=float, default=300,
                        help="seconds checkov gets on the generated trees")
    parser.add_argument("--corpora", type=Path, default=None,
                        help="corpus checkouts (default $EPHI_LINT_CORPORA or "
                             "~/.cache/ephi-lint/corpora)")
    parser.add_argument("--json", type=Path, default=None,
                        help="result file (default /tmp/ephi-lint-bench-speed-<time>.json)")
    options = parser.parse_args(argv)
    selected = [name.strip() for name in options.workloads.split(",") if name.strip()]
    unknown = sorted(set(selected) - set(WORKLOADS))
    if unknown:
        parser.error(f"unknown workload: {', '.join(unknown)}")
    if not Path(TIME).is_file():
        parser.error(f"{TIME} is needed (apt-get install time)")
    checkov_path = options.checkov or (str(DEFAULT_CHECKOV) if DEFAULT_CHECKOV.is_file()
                                       else shutil.which("checkov"))
    checkov = None if checkov_path in (None, "none") else [checkov_path]
    corpora = options.corpora or cache_root()
    started = datetime.datetime.now(datetime.timezone.utc)
    result_path = options.json or Path(tempfile.gettempdir()) / \
        f"ephi-lint-bench-speed-{started:%Y%m%dT%H%M%SZ}.json"
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="ephi-bench-speed-") as folder:
        scratch = Path(folder)
        workdir = scratch / "cwd"
        workdir.mkdir()
        variants, states = [], {}
        for revision in options.ephi_lint_commit or ["worktree"]:
            if revision == "worktree":
                variant, state = Variant("working tree", {}), checkout_state()
            else:
                variant, state = export_commit(revision, scratch / f"code-{len(variants)}",
                                               options.install == "wheel")
            variants.append(variant)
            states[variant.label] = state
        tools = Tools(ephi_lint_command(options.ephi_lint), checkov, workdir, options.timeout,
                      options.checkov_timeout, variants)
        first = variants[0]
        versions = {"ephi-lint": version_of(first.command or tools.ephi_lint, first.environment),
                    "checkov": version_of(checkov) if checkov else "not run",
                    "ephi-lint code": states}
        print(f"{started:%Y-%m-%d %H:%M} UTC; {versions}; {options.runs} runs; "
              f"{os.cpu_count()} cores", flush=True)
        for name in selected:
            print(f"{name}:", flush=True)
            if name == "one-file":
                rows += one_file(tools, options.runs, scratch, corpora)
            elif name == "modules":
                rows += modules(tools, options.runs, scratch, corpora)
            elif name == "fixtures":
                rows += fixtures(tools, options.runs, scratch, options.copies)
            else:
                rows += generated(tools, options.runs, scratch, name, options.small_files,
                                  options.large_mb)
    print()
    print(table(rows))
    errors = [(row.workload, tool, run) for row in rows for tool in ("ephi_lint", "checkov")
              for run in getattr(row, tool) if run.error and run.error != "timeout"]
    for workload, tool, run in errors:
        print(f"\nERROR {workload} {tool} exit {run.exit}:\n{run.error}")
    result = {"started": started.isoformat(timespec="seconds"), "versions": versions,
              "command": " ".join([Path(sys.argv[0]).name, *(argv or sys.argv[1:])]),
              "runs": options.runs, "cores": os.cpu_count(),
              "rows": [asdict(row) for row in rows], "table": table(rows)}
    result_path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"\nresults: {result_path}")
    return 2 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
