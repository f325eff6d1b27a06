"""The scan command's options (ScanOptions), and what starts as soon as they are known:
the forked process that discovers and reads the inputs (linter.scan_ahead).

Apart from linter.scan_command, which runs the scan: a command line parsed before
(linter.command_memo) is decoded into ScanOptions and that process is forked before the
scan's own modules load (~10 ms of them), so that discovery, the warm run's longest
wait, starts that much sooner.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from linter.output_targets import OutputTarget
    from linter.scan_ahead import ScanAhead


# Not frozen: a frozen class of 34 fields took 2 ms more to create, before the fork that
# every run waits on (nothing changes a ScanOptions once made).
@dataclass
class ScanOptions:
    """The scan command's options as parsed (an enum as its value), named as the command
    names them; see linter.cli_scan for what each one means."""

    paths: list[str]
    output_format: str = "text"
    outputs: list[str] = dataclasses.field(default_factory=list)
    severity_threshold: str | None = None
    rules_dirs: list[Path] = dataclasses.field(default_factory=list)
    include_rules: list[str] = dataclasses.field(default_factory=list)
    exclude_rules: list[str] = dataclasses.field(default_factory=list)
    frameworks: list[str] = dataclasses.field(default_factory=list)
    skip_frameworks: list[str] = dataclasses.field(default_factory=list)
    skip_paths: list[str] = dataclasses.field(default_factory=list)
    gitignore: bool = True
    input_format: str | None = None
    fail_on_unknown: bool = False
    soft_fail: bool | None = None
    max_file_size: float = 10.0
    workers: int | None = None
    sarif_category: str | None = None
    sarif_omit_suppressed: bool | None = None
    color: bool | None = None
    quiet: bool = False
    debug: bool = False
    variables: list[str] = dataclasses.field(default_factory=list)
    variable_files: list[Path] = dataclasses.field(default_factory=list)
    cfn_parameters: list[str] = dataclasses.field(default_factory=list)
    cfn_parameter_files: list[Path] = dataclasses.field(default_factory=list)
    config_path: Path | None = None
    no_config: bool = False
    baseline: Path | None = None
    update_baseline: bool = False
    changed_files: bool = False
    shard: str | None = None
    include_passed: bool = False
    checkov_results: Path | None = None
    with_checkov: bool = False


# The outputs that carry the provenance record. Collecting it digests every rule file and
# runs `git status`, tens of milliseconds that a pre-commit run's text output never shows.
PROVENANCE_FORMATS = frozenset({"json", "sarif", "gitlab-sast"})


def named_paths(paths: list[str]) -> list[Path]:
    """The files and folders the command line names (`-`, standard input, is none)."""
    return [Path(path) for path in paths if path != "-"]


def carries_provenance(targets: Iterable[OutputTarget]) -> bool:
    """Whether one of the scan's outputs carries the provenance record."""
    return any(target.format in PROVENANCE_FORMATS for target in targets)


def start_ahead(options: ScanOptions) -> ScanAhead | None:
    """Discovery and the reading of the inputs in a forked process (linter.scan_ahead),
    then the git states of the named paths when an output carries provenance; None where
    it cannot serve (pre-commit's changed files, standard input, no folder to walk, fork
    missing, an output named wrongly: the scan says so)."""
    file_paths = [Path(path) for path in options.paths]
    if options.changed_files or "-" in options.paths \
            or not any(path.is_dir() for path in file_paths):
        return None
    from linter.output_targets import parse_targets

    try:
        provenance = carries_provenance(parse_targets(options.output_format, options.outputs))
    except ValueError:  # an output named wrongly (linter.output_targets)
        return None
    from linter.discover import scan_root
    from linter.scan_ahead import DiscoveryArguments, ScanAhead

    return ScanAhead.start(DiscoveryArguments(tuple(file_paths), scan_root(file_paths),
                                              tuple(options.skip_paths), options.gitignore),
                           tuple(named_paths(options.paths)) if provenance else ())
