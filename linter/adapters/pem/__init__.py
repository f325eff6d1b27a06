"""PEM files found on disk (.pem, .crt, .cer, .key) to models.

The pipeline parses each file into its PEM blocks (linter.certificates.pem_blocks);
builders are keyed by what a block holds, "certificate" or "private_key", and each
receives every block of the file so that it can number them.
"""

from __future__ import annotations

from linter.adapters import built_or_reported, collect_builders
from linter.certificates import PemBlock
from linter.discover import FileProblem
from linter.models.base import Resource


def build_models(path: str, blocks: list[PemBlock],
                 problems: list[FileProblem] | None = None) -> list[Resource]:
    """The models of the file's blocks. With `problems`, a builder that crashes is an
    error there for the file's blocks of that kind, and the other kind is still built;
    without, it propagates."""
    builders = collect_builders(__name__)
    models: list[Resource] = []
    for kind in ("certificate", "private_key"):
        for builder in builders.get(kind, ()):
            models.extend(built_or_reported(
                builder, (path, blocks), problems, path, None,
                f"building the {kind.replace('_', ' ')} models"))
    return models
