"""Several outputs from one run (`-o sarif=results.sarif -o text`): each rendered for
its target. The targets themselves are read by linter.output_targets (re-exported)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from linter.output_targets import FORMATS as FORMATS  # re-exported
from linter.output_targets import STDOUT as STDOUT
from linter.output_targets import OutputTarget as OutputTarget
from linter.output_targets import parse_targets as parse_targets
from linter.output_targets import use_colour as use_colour
from linter.report import ScanReport


@dataclass(frozen=True)
class RenderOptions:
    """How the outputs of one run are written, whatever their format."""

    root: Path  # SARIF's %SRCROOT%
    category: str | None = None  # SARIF runAutomationDetails.id
    colour: bool = False  # text on standard output only
    quiet: bool = False  # text: findings and errors only
    omit_suppressed: bool = False  # SARIF: leave suppressed results out of the upload


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
