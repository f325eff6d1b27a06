"""Adapters turn each format's resolved resources into the format-neutral models.

Each service module of a format package declares `BUILDERS`, a plain mapping from the
source type it reads (`aws_s3_bucket`, `AWS::S3::Bucket`, `Ingress`) to a function that
builds models. The package collects those mappings by listing its modules: nothing is
registered as a side effect of an import.
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
    package = importlib.import_module(package_name)
    builders: dict[str, list[Builder]] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda item: item.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package_name}.{info.name}")
        for source_type, builder in getattr(module, "BUILDERS", {}).items():
            builders.setdefault(source_type, []).append(builder)
    return {source_type: tuple(items) for source_type, items in builders.items()}
