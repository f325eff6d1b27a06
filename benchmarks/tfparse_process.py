"""tfparse in a child process, so that its failures stay there.

tfparse's Go code runs inside the calling process through cffi: a Go panic aborts the
whole Python process, pytest included (tfparse 0.6.22 panics with "not a string" on a
tuple holding a string then a set), and a module it loops on (the AVM storage account's
examples/complete takes over six minutes) cannot be interrupted. One long-lived child
evaluates directories one request at a time; when it dies or stops answering, that
directory is reported and a new child takes the next one.
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

# The child: one JSON request per line ([directory, [tfvars names]]), one JSON answer per
# line ({"result": ...} or {"error": ...}). Go logs to standard error.
_CHILD = """
import json, sys, tfparse
for request in sys.stdin:
    directory, vars_paths = json.loads(request)
    try:
        answer = {"result": tfparse.load_from_path(directory, vars_paths=vars_paths)}
    except tfparse.ParseError as error:
        answer = {"error": str(error)}
    sys.stdout.write(json.dumps(answer) + "\\n")
    sys.stdout.flush()
"""


class OracleError(Exception):
    """tfparse could not evaluate a directory (its error, a crash, or a timeout)."""


class TfparseProcess:
    """`load(directory, vars_paths)`: tfparse's evaluation of one module directory."""

    def __init__(self, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._child: subprocess.Popen[str] | None = None
        self._log: IO[bytes] | None = None

    def __enter__(self) -> TfparseProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def load(self, directory: Path, vars_paths: list[str]) -> dict[str, Any]:
        """`vars_paths` are tfvars file names relative to `directory` (tfparse reads them
        relative to it; absolute paths fail)."""
        child = self._running()
        assert child.stdin is not None and child.stdout is not None
        try:
            child.stdin.write(json.dumps([str(directory), vars_paths]) + "\n")
            child.stdin.flush()
        except BrokenPipeError:
            raise OracleError(self._stop("tfparse stopped")) from None
        ready, _, _ = select.select([child.stdout], [], [], self.timeout)
        if not ready:
            raise OracleError(self._stop(f"did not finish within {self.timeout:g} s",
                                         kill=True))
        line = child.stdout.readline()
        if not line:
            raise OracleError(self._stop("tfparse crashed"))
        answer = json.loads(line)
        if "error" in answer:
            raise OracleError(answer["error"])
        return answer["result"]

    def close(self) -> None:
        if self._child is not None:
            self._stop("")

    def _running(self) -> subprocess.Popen[str]:
        if self._child is None:
            self._log = tempfile.TemporaryFile()
            self._child = subprocess.Popen([sys.executable, "-c", _CHILD], text=True,
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           stderr=self._log)
        return self._child

    def _stop(self, reason: str, kill: bool = False) -> str:
        """Stop the child; the reason, with the Go panic message when there is one."""
        child, log = self._child, self._log
        self._child = self._log = None
        if child is None:
            return reason
        if kill:
            child.kill()
        if child.stdin is not None:
            try:
                child.stdin.close()
            except BrokenPipeError:
                pass
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
        panic = ""
        if log is not None:
            log.seek(0)
            lines = log.read().decode("utf-8", "replace").splitlines()
            log.close()
            panic = next((line for line in lines if line.startswith(("panic:", "fatal"))), "")
        return f"{reason} ({panic})" if panic else reason
