"""How long one pre-commit run of ephi-lint takes on one .tf file, and where the time goes.

    python scripts/profile_startup.py                 # median wall time, cold cache
    python scripts/profile_startup.py --runs 9 --warm # also warm, and catalogue-only warm
    python scripts/profile_startup.py --imports 25    # the slowest imports (-X importtime)
    python scripts/profile_startup.py --profile 40    # cProfile, cumulative
    python scripts/profile_startup.py --wheel --runs 9 # as pre-commit runs it: a wheel

Each run is `ephi-lint scan --changed-files --no-color one.tf` (as the pre-commit hook
runs it) in a fresh temporary folder holding a copy of FILE, with EPHI_LINT_CACHE_DIR
pointing at an empty temporary folder (cold: the rule catalogue and source index are
compiled, as a checkout's first run does), at one a previous run filled (warm), or at one
holding only the compiled rule catalogue and source index (the parse cache emptied before
each run: what a first run of an installed wheel costs, which ships both, see
hatch_build.py).
`python -c pass` is timed the same way: the interpreter's own start-up, the floor.

--wheel measures what pre-commit runs: a wheel built from this checkout (its build hook
compiles the rule catalogue and source index into it), installed into a fresh virtual
environment in a temporary folder (dependencies from the package index, pinned by
constraints.txt); its "cold cache" is an installed wheel's first run.

Bytecode: an installed wheel has its .pyc files compiled at install time, a checkout
with PYTHONDONTWRITEBYTECODE=1 compiles every module on every run. By default the
runs use a private bytecode folder (PYTHONPYCACHEPREFIX, in a temporary folder) that
one unmeasured run fills first; --no-bytecode measures the compile-every-time case.
Nothing is written outside temporary folders.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_FILE = REPOSITORY / "examples" / "dermatology-practice" / "terraform" / "storage.tf"
COMMAND = ("scan", "--changed-files", "--no-color", "one.tf")


def _environment(cache: Path, bytecode: Path | None) -> dict[str, str]:
    environment = {**os.environ, "EPHI_LINT_CACHE_DIR": str(cache)}
    if bytecode is None:
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment.pop("PYTHONPYCACHEPREFIX", None)
    else:
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        environment["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return environment


def _timed(arguments: list[str], folder: Path, environment: dict[str, str],
           cpu: list[float] | None = None) -> float:
    """Wall seconds of one run; its CPU seconds (user + system) appended to `cpu`: the
    machine's other load stretches wall time, much less CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(arguments, cwd=folder, env=environment, capture_output=True,
                               text=True, timeout=300)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if completed.returncode not in (0, 1):  # 1: the file has findings
        raise SystemExit(f"{' '.join(arguments)} exited {completed.returncode}:\n"
                         f"{completed.stderr}")
    return elapsed


def _scan_command(python: str) -> list[str]:
    return [python, "-c", "from linter.cli import main; main()", *COMMAND]


def measure(python: str, source: Path, runs: int, warm: bool, bytecode: bool) -> dict[str, float]:
    """Median seconds of `python -c pass`, a cold-cache scan and (with warm) a warm one."""
    with tempfile.TemporaryDirectory(prefix="ephi-lint-startup-") as scratch:
        base = Path(scratch)
        folder = base / "repository"
        folder.mkdir()
        shutil.copyfile(source, folder / "one.tf")
        pycache = base / "pycache" if bytecode else None
        # ephi-lint's argv[0] is the script; `-c` with main() runs the same code path.
        command = _scan_command(python)
        if pycache is not None:  # fill the bytecode folder, as an install would
            _timed(command, folder, _environment(base / "unmeasured-cache", pycache))
        floor: list[float] = []
        cold: list[float] = []
        warmed: list[float] = []
        cold_cpu: list[float] = []
        warm_cpu: list[float] = []
        warm_cache = base / "warm-cache"
        compiled_cache = base / "compiled-catalogue"
        compiled: list[float] = []
        compiled_cpu: list[float] = []
        if warm:
            _timed(command, folder, _environment(warm_cache, pycache))
            _timed(command, folder, _environment(compiled_cache, pycache))
        for run in range(runs):
            floor.append(_timed([python, "-c", "pass"], folder,
                                _environment(base / "floor", pycache)))
            cold_cache = base / f"cold-cache-{run}"
            cold.append(_timed(command, folder, _environment(cold_cache, pycache), cold_cpu))
            shutil.rmtree(cold_cache, ignore_errors=True)
            if warm:
                warmed.append(_timed(command, folder, _environment(warm_cache, pycache),
                                     warm_cpu))
                # Only the compiled catalogue and source index kept: an installed wheel
                # ships both, so this is its first run.
                shutil.rmtree(compiled_cache / "parsed", ignore_errors=True)
                compiled.append(_timed(command, folder, _environment(compiled_cache, pycache),
                                       compiled_cpu))
        figures = {"python -c pass": statistics.median(floor),
                   "scan, cold cache": statistics.median(cold),
                   "scan, cold, CPU": statistics.median(cold_cpu)}
        if warm:
            figures["scan, warm cache"] = statistics.median(warmed)
            figures["scan, warm, CPU"] = statistics.median(warm_cpu)
            figures["wheel's first run"] = statistics.median(compiled)
            figures["wheel's first, CPU"] = statistics.median(compiled_cpu)
        return figures


def import_times(python: str, source: Path, top: int) -> str:
    """The `top` slowest imports (cumulative microseconds) of one cold-cache scan."""
    with tempfile.TemporaryDirectory(prefix="ephi-lint-startup-") as scratch:
        folder = Path(scratch)
        shutil.copyfile(source, folder / "one.tf")
        environment = _environment(folder / "cache", folder / "pycache")
        _timed(_scan_command(python), folder, environment)  # compile first
        completed = subprocess.run([python, "-X", "importtime", *_scan_command(python)[1:]],
                                   cwd=folder, env=_environment(folder / "cache2",
                                                                folder / "pycache"),
                                   capture_output=True, text=True, timeout=300)
    rows = []
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((int(cumulative), name.rstrip(), int(own)))
    rows.sort(reverse=True)
    return "\n".join(f"{cumulative / 1000:8.1f} ms  {own / 1000:7.1f} ms own  {name}"
                     for cumulative, name, own in rows[:top])


def profile(python: str, source: Path, top: int) -> str:
    """cProfile of one cold-cache scan, by cumulative time."""
    code = ("import cProfile, pstats, sys\n"
            f"sys.argv = ['ephi-lint', *{list(COMMAND)!r}]\n"
            "profiler = cProfile.Profile()\nprofiler.enable()\n"
            "try:\n    from linter.cli import main\n    main()\nexcept SystemExit:\n    pass\n"
            "profiler.disable()\n"
            f"pstats.Stats(profiler, stream=sys.stderr).sort_stats('cumulative')"
            f".print_stats({top})\n")
    with tempfile.TemporaryDirectory(prefix="ephi-lint-startup-") as scratch:
        folder = Path(scratch)
        shutil.copyfile(source, folder / "one.tf")
        _timed(_scan_command(python), folder, _environment(folder / "cache", folder / "pyc"))
        completed = subprocess.run([python, "-c", code], cwd=folder,
                                   env=_environment(folder / "cache2", folder / "pyc"),
                                   capture_output=True, text=True, timeout=300)
    return completed.stderr


def installed_wheel(scratch: Path) -> str:
    """The Python of a fresh virtual environment in `scratch` holding this checkout's
    wheel, as pre-commit installs the hook."""
    import venv

    wheels = scratch / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--wheel-dir", str(wheels), str(REPOSITORY)], check=True, timeout=900)
    [wheel] = wheels.glob("ephi_lint-*.whl")
    environment = scratch / "venv"
    venv.create(environment, with_pip=True)
    python = str(environment / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    str(wheel), "-c", str(REPOSITORY / "constraints.txt")], check=True,
                   timeout=900)
    return python


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE,
                        help="The .tf file to scan (default: an example's storage.tf).")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--warm", action="store_true", help="Also time warm-cache runs.")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="Compile every module on every run (PYTHONDONTWRITEBYTECODE=1).")
    parser.add_argument("--imports", type=int, metavar="N", help="Show the N slowest imports.")
    parser.add_argument("--profile", type=int, metavar="N", help="Show N cProfile rows.")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--wheel", action="store_true",
                        help="Measure a wheel of this checkout installed in a fresh venv.")
    options = parser.parse_args()
    if options.wheel:
        with tempfile.TemporaryDirectory(prefix="ephi-lint-wheel-") as scratch:
            options.python = installed_wheel(Path(scratch))
            _report(options)
        return
    _report(options)


def _report(options: argparse.Namespace) -> None:
    if options.imports:
        print(import_times(options.python, options.file, options.imports))
        return
    if options.profile:
        print(profile(options.python, options.file, options.profile))
        return
    figures = measure(options.python, options.file, options.runs, options.warm,
                      not options.no_bytecode)
    print(f"{options.runs} runs each, medians ({'no ' if options.no_bytecode else ''}bytecode "
          f"cache), {options.file.name}:")
    for name, seconds in figures.items():
        print(f"  {name:<19} {seconds:6.3f} s")


if __name__ == "__main__":
    main()
