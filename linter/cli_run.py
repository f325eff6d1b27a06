"""One file scan from resolved options: configuration, rules, files, the pipeline and the
exceptions that apply, giving the ScanReport. Shared by `scan` and `baseline create`.

The steps every scanning command shares live here too, so `scan` and `aws` suppress and
compare the same way: the configuration file (load_configuration), the baseline
(read_baseline, update_baseline).

Imports nothing heavy at import time: the pipeline loads when a scan runs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.cli_options import (
    cloudformation_parameters,
    file_size_limit,
    load_rules,
    terraform_variables,
)
from linter.cli_output import fail


@dataclass
class ScanRun:
    """The options every scanning command shares, resolved."""

    paths: list[str]
    rules_dirs: list[Path]
    include_rules: list[str]
    exclude_rules: list[str]
    config_path: Path | None = None
    no_config: bool = False
    severity_threshold: str | None = None
    fail_on_unknown: bool = False
    input_format: str | None = None
    max_file_size: float = 10.0
    variables: list[str] = field(default_factory=list)
    variable_files: list[Path] = field(default_factory=list)
    cfn_parameters: list[str] = field(default_factory=list)
    cfn_parameter_files: list[Path] = field(default_factory=list)
    changed_files: bool = False
    shard: str | None = None
    baseline: frozenset[str] = frozenset()
    soft_fail: bool | None = None  # None: the config's soft_fail
    frameworks: frozenset[str] | None = None
    skip_paths: tuple[str, ...] = ()
    gitignore: bool = True
    workers: int | None = None  # None: one per core (linter.pipeline_workers)
    after_discovery: Callable[[], None] | None = None  # see linter.pipeline.ScanRequest
    ahead: Any = None  # linter.scan_ahead.ScanAhead, see linter.pipeline.ScanRequest


@dataclass(frozen=True)
class Scanned:
    """What a scan run gives the command: its report, scan root and configuration."""

    report: Any  # linter.report.ScanReport
    root: Path
    config: Any  # linter.config.Config


def execute(run: ScanRun) -> Scanned:
    """Configuration, rules, files, scan, exceptions: the ScanReport, the scan root and
    the configuration that applied."""
    from linter.config import Shard, module_files, select_files
    from linter.discover import PathFilter, decode, scan_root
    from linter.pipeline import ScanRequest
    from linter.pipeline import scan as run_scan
    from linter.report import ScanReport
    from linter.suppress import Policy

    file_paths = [Path(path) for path in run.paths if path != "-"]
    for path in file_paths:
        if not path.exists() and not path.is_symlink():
            raise fail(f"{path}: no such file or directory")
    config = load_configuration(run.config_path, run.no_config, file_paths)
    rules = load_rules(run.rules_dirs, run.include_rules or list(config.enable),
                       [*run.exclude_rules, *config.disable])
    try:
        shard = Shard.parse(run.shard) if run.shard else None
    except ValueError as error:
        raise fail(str(error)) from None
    stdin_text = None
    if "-" in run.paths:
        if run.input_format is None:
            raise fail("reading `-` needs --input-format terraform|cloudformation|kubernetes")
        try:
            stdin_text = decode(sys.stdin.buffer.read())
        except ValueError as error:
            raise fail(f"standard input: {error}") from None
    root = scan_root(file_paths)
    report_paths = None
    if run.changed_files:
        from linter.discover import display_path

        report_paths = frozenset(display_path(path, root) for path in file_paths)
        file_paths = module_files(file_paths)
    policy = Policy(config, root, [rule.id for rule in rules],
                    report_unused_waivers=not (run.changed_files or shard),
                    select=lambda files: select_files(files, config, root, shard))
    request = ScanRequest(paths=file_paths, root=root, rules=rules,
                          max_file_bytes=file_size_limit(run.max_file_size),
                          stdin_text=stdin_text, stdin_format=run.input_format,
                          command_line_variables=terraform_variables(run.variable_files,
                                                                     run.variables),
                          environment=dict(os.environ),
                          cloudformation_parameters=cloudformation_parameters(
                              run.cfn_parameter_files, run.cfn_parameters),
                          changed_files=run.changed_files, sharded=shard is not None,
                          path_filter=PathFilter(root, run.skip_paths, run.gitignore),
                          frameworks=run.frameworks, workers=run.workers,
                          after_discovery=run.after_discovery, ahead=run.ahead)
    result = run_scan(request, policy)
    report = ScanReport(result, run.severity_threshold or config.severity_threshold or "low",
                        run.fail_on_unknown, notices=policy.notices, baseline=run.baseline,
                        report_paths=report_paths, parse_errors=config.parse_errors,
                        soft_fail=config.soft_fail if run.soft_fail is None else run.soft_fail)
    return Scanned(report, root, config)


def load_configuration(config_path: Path | None, no_config: bool, start: list[Path]) -> Any:
    """The linter.config.Config that applies: --config, else the nearest .ephi-lint.yaml
    in the first of `start`'s folders or above it (the working directory when `start` is
    empty), else the defaults. A broken file is a usage error (exit 2)."""
    from linter.config import Config, ConfigError, find_config, load_config

    config_file = config_path or (None if no_config else find_config(start))
    if config_file is None:
        return Config()
    try:
        return load_config(config_file)
    except ConfigError as error:
        raise fail(str(error)) from None


def read_baseline(path: Path | None, update: bool) -> frozenset[str]:
    """The fingerprints of --baseline FILE (none when it does not exist yet and
    --update-baseline will create it)."""
    if update and path is None:
        raise fail("--update-baseline needs --baseline FILE")
    if path is None:
        return frozenset()
    if not path.exists():
        if update:
            return frozenset()
        raise fail(f"--baseline {path}: no such file")
    from linter.merge import SarifError, fingerprints, read_sarif

    try:
        return fingerprints(read_sarif(path))
    except SarifError as error:
        raise fail(f"--baseline {error}") from None


def update_baseline(path: Path, report: Any, root: Path, category: str | None) -> frozenset[str]:
    """Old baseline entries stay and this scan's open findings join them (checkov#6858).
    Refused when the scan had errors: what it could not read would drop out."""
    from linter.merge import SarifError, fingerprints, merge, read_sarif, write_sarif
    from linter.report import sarif

    if report.exit_code == 2:
        raise fail(f"--update-baseline: not updating {path}: the scan had errors")
    current = sarif.build(report, root, category)
    try:
        documents = [(str(path), read_sarif(path))] if path.exists() else []
        merged = merge([*documents, ("this scan", current)])
        write_sarif(merged, path)
    except (SarifError, OSError) as error:
        raise fail(f"--update-baseline: {error}") from None
    return fingerprints(merged)
