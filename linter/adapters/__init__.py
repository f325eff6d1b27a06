"""Adapters turn each format's resolved resources into the format-neutral models.

Each service module of a format package declares `BUILDERS`, a plain mapping from the
source type it reads (`aws_s3_bucket`, `AWS::S3::Bucket`, `Ingress`) to a function that
builds models. The package collects those mappings by listing its modules: nothing is
registered as a side effect of an import. Plain mappings declared as data
(tables/mappings, see linter/adapters/mapped.py) join them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import cache
from typing import Any

Builder = Callable[..., list[Any]]


@cache
def collect_builders(package_name: str) -> dict[str, tuple[Builder, ...]]:
    from linter.adapters.mapped import FORMATS, mapped_builders

    package = importlib.import_module(package_name)
    builders: dict[str, list[Builder]] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda item: item.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package_name}.{info.name}")
        for source_type, builder in getattr(module, "BUILDERS", {}).items():
            builders.setdefault(source_type, []).append(builder)
    fmt = package_name.rsplit(".", 1)[-1]
    if fmt in FORMATS:
        for source_type, builder in mapped_builders(fmt).items():
            builders.setdefault(source_type, []).append(builder)
    return {source_type: tuple(items) for source_type, items in builders.items()}


def built_or_reported(builder: Builder, arguments: tuple[Any, ...],
                      problems: list[Any] | None, path: str, line: int | None,
                      activity: str) -> list[Any]:
    """The models `builder(*arguments)` returns. With `problems`, a crash is an internal
    error there for this one source (at its file and line, `activity` naming it) and
    nothing is built from it, so the others still are; without, the exception propagates."""
    try:
        return builder(*arguments)
    except Exception as error:
        if problems is None:
            raise
        from linter.discover import FileProblem

        problems.append(FileProblem.internal_error(path, line, activity, error))
        return []
