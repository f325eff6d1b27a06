"""A fingerprint of the code a scan's result depends on, besides its inputs and request.

Its own module, free of the engine and the models: linter.scan_ahead's forked process
computes it beside the parent's start-up, and importing the result cache's other
dependencies there cost 10 ms.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path

from linter import __version__
from linter.digests import add_framed

FORMAT = "ephi-lint-code-1"
_PACKAGE = Path(__file__).parent


def code_fingerprint() -> bytes:
    """SHA-256 over everything a result depends on besides the inputs and the request
    (which stands for the rules): the package's files, the versions, the parsing
    libraries' versions and the HCL parser chosen."""
    from linter.parser_version import parser_environment

    # parser_environment is cheap (cached) and reads the HCL parser choice each time.
    return hashlib.sha256(_package_digest() + parser_environment()).digest()


@functools.cache
def _package_digest() -> bytes:
    digest = hashlib.sha256()

    add_framed(digest, FORMAT.encode(), __version__.encode(), sys.version.encode())
    folders = [(_PACKAGE, "linter")]
    # Each file by its size and modification time, as Python itself decides whether a
    # module's compiled bytecode is current: an edit, a reinstall or an upgrade changes
    # them, and a stat costs a fraction of reading the ~700 files on every run.
    for folder, name in folders:
        for relative in _files_under(folder):
            information = os.stat(os.path.join(folder, relative))
            add_framed(digest, f"{name}/{relative} {information.st_size} "
                               f"{information.st_mtime_ns}".encode())
    return digest.digest()


def _files_under(folder: Path) -> list[str]:
    """Every file below `folder` but compiled bytecode, as relative POSIX paths in a fixed
    order (os.walk: pathlib's globbing costs more than the reading)."""
    found = []
    for directory, subfolders, files in os.walk(folder):
        # The rules' fixtures, shipped for `ephi-lint rules test`, never change a scan.
        # Nor are the shipped rules read here: a scan's request digest stands for each
        # rule it judges with by its catalogue key, a digest over every rule file's bytes
        # (linter.result_cache.rules_digest); a checkout keeps them outside the package.
        subfolders[:] = [name for name in subfolders if name != "__pycache__"
                         and not (name in ("fixtures", "rules")
                                  and directory.endswith("_catalogue"))]
        relative = os.path.relpath(directory, folder).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        found.extend(prefix + name for name in files if not name.endswith((".pyc", ".pyo")))
    return sorted(found, key=lambda path: path.split("/"))
