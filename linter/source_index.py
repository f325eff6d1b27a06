"""What a scan needs for the source types it meets, compiled once: the source index.

Finding the builders of `aws_s3_bucket` used to mean importing every adapter module of its
format (58 for Terraform) and every model class (~100 dataclasses, whose creation was most
of a one-file pre-commit run), and parsing every mapping table and service-defaults file.
The index records what those imports and files say:
- per format package, each source type's builders in the order they run: the adapter
  modules declaring it in `BUILDERS` (by module name) and `mapped` for a plain mapping;
- each model name's module (`aws.s3.Bucket` -> `linter.models.aws.s3`), and each named
  check's (`tls_policy_minimum` -> `linter.checks.tls_policies`);
- the plain mapping tables (tables/mappings), the merged service defaults and the vendor
  tables (tables/*.yaml: TLS policies, managed keys, ...), as data.
So a scan imports only the adapters, models and checks of the source types present, and
parses no YAML of its own (a Terraform-only run never imports PyYAML).

It is built by importing everything, exactly as before, and reused while its key matches:
a SHA-256 over this format, ephi-lint's version and each file under linter/adapters,
linter/models, linter/checks and every YAML file under tables/ (relative path and
bytes). A wheel ships one (`linter/_catalogue/source_index.json`, written at build time
by hatch_build.py); otherwise the user cache folder holds one, read as compiled rule
catalogues are (never inside a scanned path, no symlinks, private: see linter.catalogue).
Anything that does not match is a miss and the index is built again from the imports, so
an entry can only stand for exactly those files. The live adapters are not indexed (see
indexed_packages).
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from linter import __version__
from linter.digests import add_framed

FORMAT = "ephi-lint-source-index-2"  # 2: with the vendor tables
NAMESPACE = "source-index"
PACKAGE_DIRECTORY = Path(__file__).parent
SHIPPED = PACKAGE_DIRECTORY / "_catalogue" / "source_index.json"
MAPPED = "mapped"  # a builder list's entry for the plain-mapping builder
LIVE_PACKAGE = "linter.adapters.aws_live"
# What the index is read from: a change in any of these files can change it.
_SOURCES = (("adapters", ".py"), ("models", ".py"), ("checks", ".py"), ("tables", ".yaml"))


def index_key() -> str:
    digest = hashlib.sha256()
    add_framed(digest, FORMAT.encode(), __version__.encode())
    for folder, suffix in _SOURCES:
        for relative in package_files(folder, suffix):
            with open(os.path.join(PACKAGE_DIRECTORY, relative), "rb") as source:
                add_framed(digest, relative.encode(), source.read())
    return digest.hexdigest()


def package_files(folder: str, suffix: str, package: Path | None = None) -> list[str]:
    """The files under `folder` (relative to the package) ending in `suffix`, as relative
    POSIX paths in path order (os.walk: pathlib's globbing cost more than the reading)."""
    found = []
    package = PACKAGE_DIRECTORY if package is None else package
    for directory, subfolders, files in os.walk(os.path.join(package, folder)):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        relative = os.path.relpath(directory, package).replace(os.sep, "/")
        found.extend(f"{relative}/{name}" for name in files if name.endswith(suffix))
    return sorted(found, key=lambda path: path.split("/"))


def format_packages() -> list[str]:
    """The adapter packages, one per source format (`linter.adapters.terraform`, ...)."""
    import pkgutil

    import linter.adapters as adapters

    return [f"linter.adapters.{info.name}" for info in sorted(
        pkgutil.iter_modules(adapters.__path__), key=lambda item: item.name) if info.ispkg]


def indexed_packages() -> list[str]:
    """The format packages the index lists. Not the live adapters: their modules import
    the live collectors (botocore), which a file scan must never load, and a live scan
    loads them all anyway (collect_builders imports that package whole)."""
    return [name for name in format_packages() if name != LIVE_PACKAGE]


def build_index() -> dict[str, Any]:
    """The index, read from the imports and files themselves (slow: everything loads)."""
    import importlib
    import pkgutil

    from linter.adapters.mapped import FORMATS, check_tables, read_mapping_tables
    from linter.checks import declaring_modules
    from linter.engine import model_classes
    from linter.tables import read_service_defaults, read_vendor_tables

    tables = read_mapping_tables()
    builders: dict[str, list[list[Any]]] = {}
    for package_name in indexed_packages():
        package = importlib.import_module(package_name)
        providers: dict[str, list[str]] = {}
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda item: item.name):
            if info.name.startswith("_"):
                continue
            module = f"{package_name}.{info.name}"
            for source_type in getattr(importlib.import_module(module), "BUILDERS", {}):
                providers.setdefault(source_type, []).append(module)
        fmt = package_name.rsplit(".", 1)[-1]
        if fmt in FORMATS:
            for source_type in check_tables(fmt, tables):  # raises MappingError
                providers.setdefault(source_type, []).append(MAPPED)
        builders[package_name] = [[source_type, modules] for source_type, modules
                                  in providers.items()]
    return {"format": FORMAT, "builders": builders,
            "models": {name: model.__module__ for name, model in model_classes().items()},
            "checks": declaring_modules(),
            "mappings": tables, "defaults": read_service_defaults(),
            "tables": read_vendor_tables()}


def entry(key: str, index: dict[str, Any]) -> str | None:
    """The JSON text of an index, or None when its data is not plain JSON (a YAML date
    or a number as a key would come back different: not stored)."""
    document = {**index, "key": key}
    try:
        text = json.dumps(document, allow_nan=False)
    except (TypeError, ValueError):
        return None
    return text if json.loads(text) == document else None


def index_of(text: bytes | str, key: str) -> dict[str, Any] | None:
    """The index in `text`; None unless it is one, built under exactly this key."""
    try:
        document = json.loads(text)
    except ValueError:
        return None
    if not (isinstance(document, dict) and document.get("format") == FORMAT
            and document.get("key") == key):
        return None
    builders, models, checks = (document.get("builders"), document.get("models"),
                                document.get("checks"))
    if not (isinstance(builders, dict) and isinstance(models, dict)
            and isinstance(checks, dict) and isinstance(document.get("mappings"), dict)
            and isinstance(document.get("defaults"), dict)
            and isinstance(document.get("tables"), dict)):
        return None
    for listed in builders.values():
        if not (isinstance(listed, list) and all(
                isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
                and isinstance(item[1], list) and all(isinstance(m, str) for m in item[1])
                for item in listed)):
            return None
    if not all(isinstance(name, str) and isinstance(module, str)
               for named in (models, checks) for name, module in named.items()):
        return None
    return document


def vendor_table(name: str) -> Any:
    """A vendor table's data from the index (None when it is not there), once the index
    is known: building it imports the modules that may ask for a table."""
    if source_index.cache_info().currsize == 0:
        return None
    return source_index()["tables"].get(name)


@cache
def source_index() -> dict[str, Any]:
    """The index: shipped or cached under the current key, else built (and cached)."""
    from linter import catalogue

    try:
        key = index_key()
    except OSError:  # a package file that cannot be read: build from the imports
        return build_index()
    for text in (_shipped(), catalogue.read_entry(NAMESPACE, key)):
        if text is not None and (found := index_of(text, key)) is not None:
            return found
    index = build_index()
    text = entry(key, index)
    if text is not None:
        catalogue.write_entry(NAMESPACE, key, text)
    return index


def _shipped() -> bytes | None:
    try:
        return SHIPPED.read_bytes()
    except OSError:
        return None


def providers(package_name: str) -> list[tuple[str, list[str]]] | None:
    """(source type, builder modules in order, `mapped` for the table's) of one format
    package; None when `package_name` is not one."""
    listed = source_index()["builders"].get(package_name)
    return None if listed is None else [(source_type, modules) for source_type, modules in listed]


def model_module(name: str) -> str | None:
    """The module defining the model named `name` (`aws.s3.Bucket`), or None."""
    module = source_index()["models"].get(name)
    return module if isinstance(module, str) else None


def check_module(name: str) -> str | None:
    """The module declaring the check named `name` in its CHECKS, or None."""
    module = source_index()["checks"].get(name)
    return module if isinstance(module, str) else None


def write(output: Path) -> int:
    """Build the index into `output`, as a wheel build does; the number of source types."""
    index = build_index()
    text = entry(index_key(), index)
    if text is None:
        raise SystemExit("the source index is not plain JSON: not written")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    return sum(len(listed) for listed in index["builders"].values())


if __name__ == "__main__":  # python -m linter.source_index OUTPUT
    import sys

    target = Path(sys.argv[1])
    print(f"{target}: {write(target)} source types")
