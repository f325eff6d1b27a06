"""Wall-time of ephi-lint against checkov on the same corpus, measured in one run.

Run on demand (not part of the test suite):

    python benchmarks/bench_scan.py [--copies 20] [--runs 3] [--checkov PATH]

The corpus is the repository's examples/ and fixtures/ copied N times into a temporary
folder (Terraform, CloudFormation and Kubernetes files). Figures are reported as
ratios against checkov measured in the same run, since the machines are shared and
noisy; checkov is optional (`pip install checkov` in any environment, then pass its
executable with --checkov or put it on PATH).
"""

from __future__ import annotations

import argparse
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


def timed(command: list[str], runs: int) -> tuple[float, int]:
    times = []
    code = 0
    for _ in range(runs):
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True)
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
        rows = [("full corpus", ours + [str(corpus), "-f", "sarif", "-o", str(output)],
                 [options.checkov, "-d", str(corpus), "--framework", "terraform",
                  "cloudformation", "kubernetes", "-o", "sarif", "--output-file-path",
                  folder, "--quiet", "--compact"]),
                ("one file (pre-commit)", ours + [str(single), "-f", "sarif", "-o", str(output)],
                 [options.checkov, "-f", str(single), "-o", "sarif", "--output-file-path",
                  folder, "--quiet", "--compact"])]
        print(f"corpus: {files} files ({options.copies} copies of examples/ and fixtures/)")
        for label, our_command, their_command in rows:
            our_time, our_code = timed(our_command, options.runs)
            line = f"{label}: ephi-lint {our_time:.2f}s (exit {our_code})"
            if options.checkov:
                their_time, their_code = timed(their_command, options.runs)
                line += (f"; checkov {their_time:.2f}s (exit {their_code}); "
                         f"ratio ephi-lint/checkov = {our_time / their_time:.3f}")
            print(line, flush=True)


if __name__ == "__main__":
    main()
