"""What a parse result depends on besides the file: the parser code, the parsing
libraries' versions, the HCL parser chosen and the cache codec. Kept apart from
linter.parsing so the result cache can name it without importing every parser."""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path

_PARSER_SOURCES = ("parsers", "values.py", "certificates.py", "discover.py", "parsing.py",
                   "redaction.py", "parse_codec.py")
# The distributions a parse result depends on, by their normalised names.
_PARSER_DISTRIBUTIONS = ("python_hcl2", "lark", "pyyaml", "tree_sitter", "tree_sitter_hcl")
# linter.parsers.terraform's choice of HCL parser (read here without importing it).
_HCL_PARSER_VARIABLE = "EPHI_LINT_HCL_PARSER"


def parser_fingerprint() -> bytes:
    """What a parse result depends on besides the file: the parser code (an edited parser
    misses the cache even before the version changes, as in a development checkout), the
    versions of the parsing libraries, the HCL parser chosen, and the cache's codec."""
    return hashlib.sha256(_code_fingerprint() + parser_environment()).digest()


def parser_environment() -> bytes:
    """What a parse result depends on outside ephi-lint's own files: the parsing
    libraries' versions and the HCL parser chosen. linter.code_fingerprint stands for the
    parser code and the codec by the package files' stats, and adds this: reading the
    parser sources and importing the codec cost its forked process 3 ms of every run."""
    choice = os.environ.get(_HCL_PARSER_VARIABLE, "").strip()
    return hashlib.sha256(f"{_distribution_versions()}; {choice}".encode()).digest()


@functools.cache
def _code_fingerprint() -> bytes:
    """The parser code and the codec's version."""
    from linter.parse_codec import CODEC_VERSION

    digest = hashlib.sha256(f"codec {CODEC_VERSION}".encode())
    package = Path(__file__).parent
    for name in _PARSER_SOURCES:
        target = package / name
        for source in sorted(target.glob("*.py")) if target.is_dir() else [target]:
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.digest()


@functools.cache
def _distribution_versions() -> str:
    """`name-version` of each installed parsing library, from the names of the
    .dist-info folders on sys.path: one listing per folder, where importlib.metadata
    would read every distribution's metadata (a pre-commit run counts milliseconds)."""
    found: list[str] = []
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project = name[:-len(".dist-info")].lower().replace("-", "_").replace(".", "_")
                # "tree_sitter_1_2" is tree_sitter's; "tree_sitter_hcl_1_2" too (listed)
                if any(project.startswith(f"{wanted}_") for wanted in _PARSER_DISTRIBUTIONS):
                    found.append(name)
    return " ".join(sorted(set(found)))
