"""Where a run's reports go: `-o sarif=results.sarif -o text` (and, as before,
`-f FORMAT -o FILE`), at most one of them to standard output, and whether text is
coloured.

Its own module, outside linter.report: the scan command reads its targets first (an
output it cannot write is a usage error before anything runs, and whether one carries
provenance decides what linter.scan_ahead does), before the report's imports load.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

FORMATS = ("text", "json", "sarif", "junit", "github", "markdown", "gitlab-sast")
STDOUT = "-"


@dataclass(frozen=True)
class OutputTarget:
    """One report to write: its format and file (None: standard output)."""

    format: str
    path: Path | None  # None: standard output


def parse_targets(default_format: str, values: list[str],
                  formats: tuple[str, ...] = FORMATS) -> list[OutputTarget]:
    """`FORMAT=FILE`, `FORMAT` (to stdout), `FORMAT=-` or `-` (to stdout) or a plain
    `FILE` in the --format format. Name a file `./json` (or `./-`) to write a file of that
    name."""
    if not values:
        return [OutputTarget(default_format, None)]
    targets = []
    for value in values:
        name, separator, path = value.partition("=")
        if separator and name in formats:
            if not path:
                raise ValueError(f"--output {value!r}: expected FORMAT=FILE")
            targets.append(OutputTarget(name, None if path == STDOUT else Path(path)))
        elif value in formats:
            targets.append(OutputTarget(value, None))
        elif separator and name in FORMATS:
            raise ValueError(f"--output {value!r}: this command writes only "
                             f"{', '.join(formats)}")
        else:
            targets.append(OutputTarget(default_format, None if value == STDOUT
                                        else Path(value)))
    if sum(1 for target in targets if target.path is None) > 1:
        raise ValueError("only one --output can go to standard output")
    return targets


def use_colour(option: bool | None, stream: TextIO,
               environment: Mapping[str, str] | None = None) -> bool:
    """--color/--no-color wins; else NO_COLOR (any non-empty value: never), else
    FORCE_COLOR (any non-empty value: even when piped), else only on a terminal."""
    if option is not None:
        return option
    environment = os.environ if environment is None else environment
    if environment.get("NO_COLOR"):
        return False
    if environment.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False
