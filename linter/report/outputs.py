"""Several outputs from one run: `-o sarif=results.sarif -o text` (and, as before,
`-f FORMAT -o FILE`). At most one output goes to standard output."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from linter.report import ScanReport

FORMATS = ("text", "json", "sarif", "junit", "github", "markdown", "gitlab-sast")
STDOUT = "-"


@dataclass(frozen=True)
class OutputTarget:
    format: str
    path: Path | None  # None: standard output


@dataclass(frozen=True)
class RenderOptions:
    """How the outputs of one run are written, whatever their format."""

    root: Path  # SARIF's %SRCROOT%
    category: str | None = None  # SARIF runAutomationDetails.id
    colour: bool = False  # text on standard output only
    quiet: bool = False  # text: findings and errors only
    omit_suppressed: bool = False  # SARIF: leave suppressed results out of the upload


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


def render_chunks(target: OutputTarget, report: ScanReport,
                  options: RenderOptions) -> Iterable[str]:
    """The report as pieces of text to write in order: JSON is made as it is written
    (its findings are the bulk of a large scan's memory); other formats in one piece."""
    if target.format == "json":
        from linter.report import json_format

        return json_format.render_chunks(report)
    return [render(target, report, options)]


def render(target: OutputTarget, report: ScanReport, options: RenderOptions) -> str:
    if target.format == "sarif":
        from linter.report import sarif

        return sarif.render(report, options.root, options.category,
                            omit_suppressed=options.omit_suppressed)
    if target.format == "json":
        from linter.report import json_format

        return json_format.render(report)
    if target.format == "junit":
        from linter.report import junit

        return junit.render(report)
    if target.format == "github":
        from linter.report import github

        return github.render(report)
    if target.format == "markdown":
        from linter.report import markdown

        return markdown.render(report)
    if target.format == "gitlab-sast":
        from linter.report import gitlab_sast

        return gitlab_sast.render(report)
    from linter.report import text

    return text.render(report, colour=options.colour and target.path is None,
                       quiet=options.quiet)
