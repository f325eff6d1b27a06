"""Wall-time of ephi-lint against checkov on the same corpus, measured in one run.

Run on demand (not part of the test suite):

    python benchmarks/bench_scan.py [--copies 20] [--runs 3] [--checkov PATH]

The corpus is the repository's examples/ and fixtures/ copied N times into a temporary
folder (Terraform, CloudFormation and Kubernetes files). Figures are reported as
ratios against checkov measured in the same run, since the machines are shared and
noisy; checkov is optional (`pip install checkov` in any environment, then pass its
executable with --checkov or put it on PATH).

ephi-lint keeps a parse cache by content hash: its "cold" rows start every run with an
empty cache (as a first scan, or CI without a cached folder), and the "warm" row re-runs
over a cache the previous run filled (a developer's second scan). checkov has no such
cache, so its cold time is the baseline for both.

benchmarks/bench_speed.py measures the figures of issue 14 (wall time and memory of whole
processes under /usr/bin/time -v, the public module corpora, generated trees); see
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]


def build_corpus(target: Path, copies: int) -> int:
    for index in range(copies):
        for name in ("examples", "fixtures"):
            shutil.copytree(REPOSITORY / name, target / f"copy{index}" / name)
    return sum(1 for path in target.rglob("*") if path.is_file())


def timed(command: list[str], runs: int, cache: Path | None = None,
          cold: bool = True) -> tuple[float, int]:
    """Median wall time. With `cache`, ephi-lint's parse cache lives there: emptied before
    each run when `cold`, filled by one untimed run first otherwise."""
    environment = dict(os.environ)
    if cache is not None:
        environment["EPHI_LINT_CACHE_DIR"] = str(cache)
        if not cold:
            subprocess.run(command, capture_output=True, env=environment)
    times = []
    code = 0
    for _ in range(runs):
        if cache is not None and cold:
            shutil.rmtree(cache, ignore_errors=True)
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True, env=environment)
        times.append(time.perf_counter() - started)
        code = completed.returncode
    return statistics.median(times), code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--checkov", default=shutil.which("checkov"))
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ephi-bench-") as folder:
        corpus = Path(folder) / "corpus"
        files = build_corpus(corpus, options.copies)
        single = corpus / "copy0" / "examples" / "dermatology-practice" / "terraform" / "network.tf"
        output = Path(folder) / "out.sarif"
        ours = [sys.executable, "-m", "linter.cli", "scan"]
        cache = Path(folder) / "cache"
        one_file = ours + [str(single), "-f", "sarif", "-o", str(output)]
        rows = [("full corpus, cold", ours + [str(corpus), "-f", "sarif", "-o", str(output)],
                 # CKV_K8S_108 crashes on fixtures/ACC-301 and checkov 3.3.30 then hangs
                 # waiting for its workers: skipping that one check lets it finish.
                 [options.checkov, "-d", str(corpus), "--framework", "terraform",
                  "cloudformation", "kubernetes", "--skip-check", "CKV_K8S_108", "-o",
                  "sarif", "--output-file-path", folder, "--quiet", "--compact"]),
                ("full corpus, warm", ours + [str(corpus), "-f", "sarif", "-o", str(output)],
                 None),
                ("one file (pre-commit), cold", one_file,
                 [options.checkov, "-f", str(single), "-o", "sarif", "--output-file-path",
                  folder, "--quiet", "--compact"]),
                ("one file (pre-commit), warm", one_file, None)]
        print(f"corpus: {files} files ({options.copies} copies of examples/ and fixtures/)")
        baseline = 0.0
        for label, our_command, their_command in rows:
            our_time, our_code = timed(our_command, options.runs, cache,
                                       cold=label.endswith("cold"))
            line = f"{label}: ephi-lint {our_time:.2f}s (exit {our_code})"
            if options.checkov and their_command is not None:
                baseline, their_code = timed(their_command, options.runs)
                line += f"; checkov {baseline:.2f}s (exit {their_code})"
            if baseline:  # the warm row is compared with checkov's (cold) full scan
                line += f"; ratio ephi-lint/checkov = {our_time / baseline:.3f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
