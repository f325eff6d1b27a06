"""What `ephi-lint scan` does once its options are known: the pipeline (linter.cli_run),
what the run adds to the ScanReport before it is rendered (checkov's results, an updated
baseline, provenance), the reports, and the exit code.

Free of typer: linter.cli_scan declares the options and hands them over as ScanOptions,
and a command line parsed before (linter.command_memo) comes here without loading the
command-line parser at all.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

from linter.catalogue import refuse_inside as refuse_catalogue_inside
from linter.cli_options import select_frameworks, set_debug, split_list
from linter.cli_output import fail, write_reports
from linter.cli_run import ScanRun, execute, read_baseline, update_baseline
from linter.output_targets import OutputTarget, parse_targets, use_colour
from linter.scan_options import ScanOptions, carries_provenance, named_paths, start_ahead

# perform's `ahead` when its caller started none: perform starts it.
START_HERE: Any = object()


def perform(options: ScanOptions, expect_parsing: bool = False, ahead: Any = START_HERE
            ) -> int:
    """Run the scan `options` ask for and write its reports: the exit code. A usage,
    configuration or output error raises SystemExit(2) (linter.cli_output.fail).

    `expect_parsing`: files will most likely be parsed (a command line not run before),
    so the parsers load while the inputs are discovered, rather than after. `ahead`: the
    linter.scan_ahead process linter.launch started for these options (None: none could
    serve), else started here."""
    started = time.time_ns()  # linter.provenance.utc_now's form
    try:
        targets = parse_targets(options.output_format, options.outputs)
    except ValueError as error:
        raise fail(str(error)) from None
    provenance = carries_provenance(targets)
    # First: discovery and the inputs' reading run in a forked process while the report,
    # configuration and rules load here, then the roots' git states (linter.scan_ahead).
    if ahead is START_HERE:
        ahead = start_ahead(options)
    if ahead is not None and expect_parsing:
        from linter.launch import import_the_scan

        ahead.meanwhile = import_the_scan  # what the parsing process left to load
    try:
        return _scan(options, targets, provenance, started, ahead)
    finally:
        if ahead is not None:
            ahead.close()


def _scan(options: ScanOptions, targets: list[OutputTarget], provenance: bool,
          started: int, ahead: Any) -> int:
    from linter.report.outputs import RenderOptions

    set_debug(options.debug)
    if options.checkov_results is not None and options.with_checkov:
        raise fail("--checkov-results and --with-checkov: give one of them")
    known = read_baseline(options.baseline, options.update_baseline)
    run = ScanRun(paths=options.paths, rules_dirs=options.rules_dirs,
                  include_rules=split_list(options.include_rules),
                  exclude_rules=split_list(options.exclude_rules),
                  config_path=options.config_path, no_config=options.no_config,
                  severity_threshold=options.severity_threshold,
                  fail_on_unknown=options.fail_on_unknown, input_format=options.input_format,
                  max_file_size=options.max_file_size, variables=options.variables,
                  variable_files=options.variable_files,
                  cfn_parameters=options.cfn_parameters,
                  cfn_parameter_files=options.cfn_parameter_files,
                  changed_files=options.changed_files, shard=options.shard, baseline=known,
                  soft_fail=options.soft_fail,
                  frameworks=select_frameworks(options.frameworks, options.skip_frameworks),
                  skip_paths=tuple(options.skip_paths), gitignore=options.gitignore,
                  workers=options.workers, ahead=ahead)
    refuse_catalogue_inside(named_paths(options.paths))
    git_states = None if ahead is None else ahead.git
    if provenance and not options.changed_files and git_states is None:
        from linter.git_state import GitStates

        git_states = GitStates(_provenance_roots(run, Path()))  # git runs while we scan
        run.after_discovery = git_states.advance
    scanned = execute(run)
    report, root = scanned.report, scanned.root
    report.include_passed = options.include_passed
    report.roots = tuple(_display_roots(options.paths, root))
    if options.checkov_results is not None or options.with_checkov:
        report.checkov = _checkov(report, options.paths, options.checkov_results)
    if options.update_baseline and options.baseline is not None:
        # A baseline carries no provenance.
        report.baseline = update_baseline(options.baseline, report, root,
                                          options.sarif_category)
    if provenance:
        report.provenance = _provenance(started, run, report, root, git_states)
    omit_suppressed = scanned.config.sarif_omit_suppressed \
        if options.sarif_omit_suppressed is None else options.sarif_omit_suppressed
    render = RenderOptions(root=root, category=options.sarif_category,
                           colour=use_colour(options.color, sys.stdout), quiet=options.quiet,
                           omit_suppressed=omit_suppressed)
    # In pieces: a large report is never one string.
    write_reports(targets, report, render, options.quiet)
    return report.exit_code


def _display_roots(paths: list[str], root: Path) -> list[str]:
    from linter.discover import display_path

    return ["stdin" if path == "-" else display_path(Path(path), root) for path in paths]


def _provenance(started: Any, run: ScanRun, report: Any, root: Path,
                git_states: Any = None) -> dict[str, Any]:
    """When, by which rules, over which inputs (linter.provenance): collected for every
    output that carries it, so each JSON, SARIF and GitLab report can be tied to a commit
    and a rule catalogue. `git_states`: the roots' GitStates, started before the scan."""
    from linter.engine import catalogue_directory
    from linter.provenance import collect, utc_now

    return collect(started=started, finished=utc_now(), roots=_provenance_roots(run, root),
                   inputs=report.result.inputs,
                   rule_directories=[catalogue_directory("rules"), *run.rules_dirs],
                   argv=["ephi-lint", *sys.argv[1:]], display_root=root,
                   known_digests=getattr(report.result, "input_digests", None),
                   git=git_states)


def _provenance_roots(run: ScanRun, root: Path) -> list[Path]:
    # pre-commit names each changed file: one root (one `git status`) stands for them.
    return [root] if run.changed_files else named_paths(run.paths)


def _checkov(report: Any, paths: list[str], results_file: Path | None) -> list[dict[str, Any]]:
    """checkov's results (read from --checkov-results, or from running it with
    --with-checkov), less those an ephi-lint rule already judged on the same resource."""
    from linter.checkov_results import (
        CheckovUnavailable,
        fold,
        read_results,
        results_json,
        run_checkov,
        scanned_file,
    )
    from linter.metrics import inventory_json

    documents: list[Any] = []
    try:
        if results_file is not None:
            documents.append(json.loads(results_file.read_text(encoding="utf-8")))
        else:
            folders = dict.fromkeys(Path(path) if Path(path).is_dir() else Path(path).parent
                                    for path in paths if path != "-")
            documents += [run_checkov(folder) for folder in folders]
    except CheckovUnavailable as error:
        raise fail(f"--with-checkov: {error}") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise fail(f"--checkov-results {results_file}: cannot read checkov's JSON: "
                   f"{error}") from None
    rules = report.result.rules
    scanned = [shown for _, shown in report.result.inputs]
    try:
        # checkov's paths become the scanned files they name (its Kubernetes runner
        # repeats a relative -d folder: examples/examples/job.yaml).
        results = [dataclasses.replace(result, file=scanned_file(result.file, scanned))
                   for document in documents for result in read_results(document, rules)]
    except (TypeError, ValueError, KeyError) as error:
        raise fail(f"checkov's JSON results are malformed: {error}") from None
    inventory = inventory_json(report.result.outcomes, report.roots)
    return results_json(fold(results, inventory).kept)
