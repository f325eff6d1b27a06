"""Adapters turn each format's resolved resources into the format-neutral models.

Each service module of a format package declares `BUILDERS`, a plain mapping from the
source type it reads (`aws_s3_bucket`, `AWS::S3::Bucket`, `Ingress`) to a function that
builds models. The package collects those mappings by listing its modules: nothing is
registered as a side effect of an import. Plain mappings declared as data
(tables/mappings, see linter/adapters/mapped.py) join them.

Which modules declare which source types is read from the source index (linter.
source_index), so a scan imports only the modules of the source types it meets: a
pre-commit run over one .tf file of S3 buckets loads the S3 adapters and models, not all.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

Builder = Callable[..., list[Any]]


class LazyBuilders(Mapping[str, tuple[Builder, ...]]):
    """A format's builders by source type, each type's modules imported on first use.

    Iterating (`items()`, `values()`) imports every module, as listing them used to;
    `get`, `[]` and `in` import only what that one source type needs."""

    def __init__(self, package_name: str, providers: list[tuple[str, list[str]]]) -> None:
        self._format = package_name.rsplit(".", 1)[-1]
        self._providers = dict(providers)
        self._loaded: dict[str, tuple[Builder, ...]] = {}

    def __getitem__(self, source_type: str) -> tuple[Builder, ...]:
        builders = self._loaded.get(source_type)
        if builders is None:
            builders = tuple(self._builder(module, source_type)
                             for module in self._providers[source_type])
            self._loaded[source_type] = builders
        return builders

    def _builder(self, module: str, source_type: str) -> Builder:
        from linter.source_index import MAPPED

        if module == MAPPED:
            from linter.adapters.mapped import mapped_builder

            return mapped_builder(self._format, source_type)
        return importlib.import_module(module).BUILDERS[source_type]  # type: ignore[no-any-return]

    def get(self, source_type: str, default: Any = None) -> Any:  # type: ignore[override]
        # Mapping.get would raise and catch a KeyError for each type without builders.
        return self[source_type] if source_type in self._providers else default

    def __contains__(self, source_type: object) -> bool:
        return source_type in self._providers

    def __iter__(self) -> Iterator[str]:
        return iter(self._providers)

    def __len__(self) -> int:
        return len(self._providers)


@cache
def collect_builders(package_name: str) -> Mapping[str, tuple[Builder, ...]]:
    """The builders of a format package by source type, in the order they run (modules by
    name, then the plain mapping), imported as each source type is first looked up."""
    from linter.source_index import providers

    listed = providers(package_name)
    if listed is None:  # not one of the format packages: list its modules
        return imported_builders(package_name)
    return LazyBuilders(package_name, listed)


def imported_builders(package_name: str) -> dict[str, tuple[Builder, ...]]:
    """The builders of a format package, read by importing each of its modules."""
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
