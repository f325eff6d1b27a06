"""How every command ends: an error is one line on stderr and exit 2; a report goes to
standard output or a file, and a write that fails is an error too, never a silent loss.

Imports nothing of typer: the scan runs without it when its command line was parsed
before (linter.command_memo). An error is SystemExit(2), which typer lets through as it
is and linter.cli.run turns into the exit code like any other.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def fail(message: str) -> SystemExit:
    """The exit to raise for a usage, configuration or I/O error (exit 2), its reason
    printed first: `raise fail(...)`."""
    error_line(f"ephi-lint: error: {message}")
    return SystemExit(2)


def error_line(text: str) -> None:
    """`text` as one line on standard error, flushed (as typer.echo(err=True) writes)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def write(rendered: str | Iterable[str], output: Path | None) -> None:
    """Write a rendered report (text, or pieces of text in order) to `output`, or to
    standard output when None."""
    pieces = [rendered] if isinstance(rendered, str) else rendered
    if output is None:
        try:
            for piece in pieces:
                sys.stdout.write(piece)
            sys.stdout.flush()  # a full device or a closed pipe fails here, not at exit
        except OSError as error:
            _discard_stdout()
            raise fail("cannot write the report to standard output: "
                       f"{error.strerror or type(error).__name__}") from None
        return
    try:
        with output.open("w", encoding="utf-8") as handle:
            for piece in pieces:
                handle.write(piece)
    except OSError as error:
        raise fail(f"cannot write {output}: {error.strerror}") from None


def write_reports(targets: list[Any], report: Any, options: Any, quiet: bool) -> None:
    """Render `report` into every --output target (linter.report.outputs), then, unless
    quiet or the text report already went to the terminal, its summary line on stderr."""
    from linter.report.outputs import render_chunks

    for target in targets:
        write(render_chunks(target, report, options), target.path)
    if not quiet and not any(target.format == "text" and target.path is None
                             for target in targets):
        from linter.report.text import summary

        error_line(summary(report))


def _discard_stdout() -> None:
    """After a failed write, what is left in stdout's buffer goes nowhere: Python's
    flush at exit would fail again and print its own traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a file (captured by a test runner)
