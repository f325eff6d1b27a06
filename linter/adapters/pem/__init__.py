"""PEM files found on disk (.pem, .crt, .cer, .key) to models.

The pipeline parses each file into its PEM blocks (linter.certificates.pem_blocks);
builders are keyed by what a block holds, "certificate" or "private_key", and each
receives every block of the file so that it can number them.
"""

from __future__ import annotations

from linter.adapters import collect_builders
from linter.certificates import PemBlock
from linter.models.base import Resource


def build_models(path: str, blocks: list[PemBlock]) -> list[Resource]:
    builders = collect_builders(__name__)
    models: list[Resource] = []
    for kind in ("certificate", "private_key"):
        for builder in builders.get(kind, ()):
            models.extend(builder(path, blocks))
    return models
