"""Several outputs from one run: `-o sarif=results.sarif -o text` (and, as before,
`-f FORMAT -o FILE`). At most one output goes to standard output."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from linter.report import ScanReport

FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")


@dataclass(frozen=True)
class OutputTarget:
    format: str
    path: Path | None  # None: standard output


def parse_targets(default_format: str, values: list[str]) -> list[OutputTarget]:
    """`FORMAT=FILE`, `FORMAT` (to stdout), `FORMAT=-` (to stdout) or a plain `FILE` in
    the --format format. Name a file `./json` to write a file called `json`."""
    if not values:
        return [OutputTarget(default_format, None)]
    targets = []
    for value in values:
        name, separator, path = value.partition("=")
        if separator and name in FORMATS:
            if not path:
                raise ValueError(f"--output {value!r}: expected FORMAT=FILE")
            targets.append(OutputTarget(name, None if path == "-" else Path(path)))
        elif value in FORMATS:
            targets.append(OutputTarget(value, None))
        else:
            targets.append(OutputTarget(default_format, Path(value)))
    if sum(1 for target in targets if target.path is None) > 1:
        raise ValueError("only one --output can go to standard output")
    return targets


def render(target: OutputTarget, report: ScanReport, root: Path, category: str | None,
           colour: bool) -> str:
    if target.format == "sarif":
        from linter.report import sarif

        return sarif.render(report, root, category)
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
    from linter.report import text

    return text.render(report, colour=colour and target.path is None)
