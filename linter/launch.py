"""The `ephi-lint` console script: a scan whose command line was parsed before runs
without typer (linter.command_memo); everything else goes to linter.cli. Either way one
guard turns an unexpected exception into one line and exit 2, and the process ends as
soon as its output is flushed.

A scan command line not seen before is parsed by typer in a forked process while this
one imports what every scan needs: typer's import and the building of the command take
~40 ms, as long as those imports, and neither needs the other. The parsing process sends
the options back (linter.command_memo.hand_over) and ends; when typer ends the command
itself instead (--help, a usage error), its output is already written and its exit code
is this process's.

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
    # From the first import on (see guarded): the start-up's imports made the collector
    # run 20 times, 1.5 ms of a warm scan, all of it before discovery could fork.
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    from linter.dataclass_code import install

    install()  # before any class of ours is made (see linter.dataclass_code)
    try:
        _command(sys.argv[1:], cli_main)
    except SystemExit as exited:
        code = _exit_code(exited)
    _flush()
    os._exit(code)


def _command(arguments: list[str], cli_main: Callable[[], None] | None) -> None:
    from linter.command_memo import recall

    options = recall(arguments)
    parsed_now = False
    if options is None and cli_main is None and arguments[:1] == ["scan"]:
        options = _parsed_beside()
        parsed_now = True
    if options is None:
        if cli_main is None:
            from linter.cli import main as cli_main
        cli_main()
        return

    def scan() -> None:
        from linter.scan_options import start_ahead

        # Discovery forks before the scan's own modules load (see linter.scan_options).
        ahead = start_ahead(options)
        from linter.scan_command import perform

        # A line not run before most likely scans files not scanned before.
        sys.exit(perform(options, expect_parsing=parsed_now, ahead=ahead))

    guarded(scan)


def _parsed_beside() -> object | None:
    """The scan's options as typer parses them in a forked process, this one importing
    the scan's modules meanwhile; None when no process could be forked or what it sent
    cannot be read (parse here).
    Raises SystemExit with the process's exit code when typer ended the command there."""
    if not hasattr(os, "fork"):
        return None
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the parsing process: it never returns into the command
        code = 70
        try:
            os.close(read_end)
            from linter.cli import main
            from linter.command_memo import deliver_to

            deliver_to(write_end)
            main()
            code = 0
        except SystemExit as exited:
            code = _exit_code(exited)
        finally:
            _flush()
            os._exit(code)
    os.close(write_end)
    import_the_scan(read_end)
    chunks = []
    with os.fdopen(read_end, "rb") as pipe:
        while chunk := pipe.read(1 << 16):
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if chunks:  # the options, or, cut short, nothing this process can use: it parses
        from linter.command_memo import handed_over

        return handed_over(b"".join(chunks))
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 2):  # killed, or ended some way typer never ends a command
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        print(f"ephi-lint: internal error: the command line's parsing process {how}",
              file=sys.stderr)
        code = 2
    raise SystemExit(code)


# What a scan imports before its first verdict, in the order it needs them: the scan
# command's own modules and the report's (with the pipeline and the engine), then the
# parsers and the Terraform adapters.
_SCAN_MODULES = ("linter.scan_command", "linter.conditions", "linter.engine",
                 "linter.pipeline", "linter.suppress", "linter.report.outputs",
                 "linter.parsing", "linter.resolve.terraform", "linter.pipeline_stream")


def import_the_scan(options_pipe: int | None = None) -> None:
    """Import the scan's modules in order; with `options_pipe`, only until the options
    come: what is left loads where it is needed (the parsers while scan_ahead discovers,
    linter.scan_command). Importing past their arrival would hold back discovery, which
    starts with them."""
    import importlib
    import select

    for name in _SCAN_MODULES:
        if options_pipe is not None and select.select([options_pipe], [], [], 0)[0]:
            return
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - it fails again where it is needed, and says so
            return


def _exit_code(exited: SystemExit) -> int:
    if isinstance(exited.code, int):
        return exited.code
    if exited.code is None:
        return 0
    print(exited.code, file=sys.stderr)  # as Python prints a non-integer exit value
    return 1


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: what is left goes nowhere
            pass


COLLECTOR_THRESHOLDS = (50_000, 20, 100)


def guarded(command: Callable[[], object]) -> None:
    """Run `command` with a last guard: an unexpected exception anywhere is one line on
    stderr and exit 2 (an error), never a traceback and never exit 1 (findings).
    EPHI_LINT_DEBUG=1 prints the traceback too."""
    # A scan allocates millions of small objects that live until the report (parse models,
    # outcomes) and makes few cycles: the collector's default thresholds spend a fifth of
    # a large scan re-walking survivors. Forked workers inherit the setting.
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
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
