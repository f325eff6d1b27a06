"""The `ephi-lint` console script: a scan whose command line was parsed before runs
without typer (linter.command_memo); everything else goes to linter.cli. Either way one
guard turns an unexpected exception into one line and exit 2, and the process ends as
soon as its output is flushed.

Imports nothing but the standard library's lightest modules at import time: the point of
this module is what it does not load.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable


def run(cli_main: Callable[[], None] | None = None) -> None:
    """The console script: the command, then an immediate exit once the output is
    flushed (`cli_main`: linter.cli.main, when that module runs it). Python's own
    shutdown frees the scan's objects one by one (20 ms after a scan of four module
    repositories, a tenth of a pre-commit run) and has nothing else to do by then:
    reports are written and closed, worker pools shut down, git waited for, and nothing
    here registers an exit handler."""
    code: int = 0
    try:
        _command(sys.argv[1:], cli_main)
    except SystemExit as exited:
        if isinstance(exited.code, int):
            code = exited.code
        elif exited.code is not None:  # as Python prints a non-integer exit value
            print(exited.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: what is left goes nowhere
            pass
    os._exit(code)


def _command(arguments: list[str], cli_main: Callable[[], None] | None) -> None:
    from linter.command_memo import recall

    options = recall(arguments)
    if options is None:
        if cli_main is None:
            from linter.cli import main as cli_main
        cli_main()
        return
    from linter.scan_command import perform

    guarded(lambda: sys.exit(perform(options)))


def guarded(command: Callable[[], object]) -> None:
    """Run `command` with a last guard: an unexpected exception anywhere is one line on
    stderr and exit 2 (an error), never a traceback and never exit 1 (findings).
    EPHI_LINT_DEBUG=1 prints the traceback too."""
    # A scan allocates millions of small objects that live until the report (parse models,
    # outcomes) and makes few cycles: the collector's default thresholds spend a fifth of
    # a large scan re-walking survivors. Forked workers inherit the setting.
    gc.set_threshold(50_000, 20, 100)
    try:
        command()
    except SystemExit:
        raise
    except Exception as error:
        from linter.discover import DEBUG_VARIABLE, crash_summary

        if os.environ.get(DEBUG_VARIABLE):
            import traceback

            traceback.print_exc()
        if isinstance(error, OSError) and error.strerror:
            message = f"ephi-lint: error: {error.strerror}"
        else:
            message = f"ephi-lint: internal error: {crash_summary(error)}"
        try:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
        except OSError:
            pass
        sys.exit(2)


if __name__ == "__main__":
    run()
