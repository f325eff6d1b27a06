"""The rule catalogue, compiled: every rule file's data once it passed schema validation
and the reference checks, stored as JSON and reused while nothing it depends on changed.

Validating 257 rule files (importing jsonschema) and checking their references (importing
every model class) was most of a one-file pre-commit run. A compiled catalogue is read
instead when its key matches: a SHA-256 over this format, ephi-lint's version, the rule
schema, the code that rules refer to (linter/models, linter/checks, the loader) and each
rule file's relative path and bytes. Anything else is a miss and the files are loaded
and checked as before, so an entry can only ever stand for exactly those files.

Two places hold one:
- `linter/_catalogue/catalogue.json`, beside the rules a wheel carries, written at build
  time (`python -m linter.catalogue OUTPUT`): a first run is as fast as any other;
- the user cache folder (`rule-catalogue/<key>.json`, see linter.cache), written on a miss.

It is data (JSON, never pickle), yet an entry decides which rules run, so one from the
cache folder is used only when that folder is not inside a scanned path, and it is read
without following symlinks from folders and a file that belong to the user and that no
one else can write (checked on the opened descriptors, not on paths another user could
swap between a check and an open).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from linter import __version__
from linter.digests import SETTLED_NS, add_framed, stats_of

FORMAT = "ephi-lint-catalogue-1"
NAMESPACE = "rule-catalogue"
PACKAGE_DIRECTORY = Path(__file__).parent
SHIPPED = PACKAGE_DIRECTORY / "_catalogue" / "catalogue.json"
# The code a rule's references are checked against: a change there can turn a valid rule
# into one naming a field that no longer exists.
_CODE = ("models", "checks")
_LOADER = ("engine.py", "catalogue.py")

# Scanned paths of this run (refuse_inside): the cache folder must not be inside one.
_scanned: tuple[Path, ...] = ()


def catalogue_directory(name: str) -> Path:
    """The shipped rules/ or fixtures/: inside the wheel, or at the top of a checkout."""
    installed = PACKAGE_DIRECTORY / "_catalogue" / name
    return installed if installed.is_dir() else PACKAGE_DIRECTORY.parent / name


def rule_files(directory: Path) -> list[Path]:
    """A rules directory's files, in the order they are loaded."""
    return [directory / relative for relative in _rule_names(directory)]


def _rule_names(directory: Path) -> list[str]:
    """The relative POSIX paths of the entries named `*.yaml`, then `*.yml`, each group in
    path order: what sorted(directory.rglob(pattern)) lists (symlinked folders are not
    entered, a folder with such a name is listed and fails to read), without pathlib's
    globbing and Path comparisons, which cost more than reading the 261 files."""
    found: dict[str, list[str]] = {".yaml": [], ".yml": []}
    for folder, subfolders, files in os.walk(directory):
        relative = os.path.relpath(folder, directory)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        for name in (*subfolders, *files):
            for suffix, names in found.items():
                if name.endswith(suffix):
                    names.append(prefix + name)
    return [name for names in found.values()
            for name in sorted(names, key=lambda path: path.split("/"))]


def _code_files() -> list[str]:
    """The code rules refer to, as paths relative to the package, in a fixed order."""
    from linter.source_index import package_files

    return [relative for name in _CODE
            for relative in package_files(name, ".py", PACKAGE_DIRECTORY)] + list(_LOADER)


def catalogue_key(directory: Path, files: list[tuple[str, bytes]]) -> str:
    """The key of one directory's compiled catalogue: (relative path, bytes) per file."""
    from linter.schemas import schema_bytes

    digest = hashlib.sha256()
    add_framed(digest, FORMAT.encode(), __version__.encode(), schema_bytes("rule"))
    for relative in _code_files():
        with open(os.path.join(PACKAGE_DIRECTORY, relative), "rb") as code:
            add_framed(digest, relative.encode(), code.read())
    add_framed(digest, b"rules")
    for relative, content in files:
        add_framed(digest, relative.encode(), content)
    return digest.hexdigest()


def read_sources(directory: Path, names: list[str] | None = None) -> list[tuple[str, bytes]]:
    """Each rule file's path relative to `directory` and its bytes; OSError propagates.
    `names`: the files, when the caller listed them already. The SHA-256 of each is kept
    for the run: the provenance record digests the same files (digested_already)."""
    sources = []
    for relative in _rule_names(directory) if names is None else names:
        with open(os.path.join(directory, relative), "rb") as source:
            sources.append((relative, source.read()))
    _digested[str(directory)] = [(relative, hashlib.sha256(content).hexdigest())
                                 for relative, content in sources]
    return sources


def digested_already(directory: Path) -> list[tuple[str, str]] | None:
    """(relative path, SHA-256 in hex) of each rule file this run loaded `directory`
    from (read, or known from its stamp), if it did."""
    return _digested.get(str(directory))


_digested: dict[str, list[tuple[str, str]]] = {}


# --- stamps: a directory's key without reading its files -----------------------------
#
# Reading the 261 shipped rule files and the code they refer to, to digest them into
# the key, took 10 ms of every run. A stamp records the key for the files' stats (device,
# inode, size, modification and change time: a change time cannot be set back, and it
# moves with every write), as Python trusts a module's stats to reuse its bytecode. A
# stamp is written only when every file is older than a few seconds, so a write within
# one tick of the file system's clock cannot go unseen, and any other stat is a miss.

STAMP_NAMESPACE = "rule-catalogue-stamps"
STAMP_FORMAT = "ephi-lint-catalogue-stamp-1"


class Stamp(NamedTuple):
    digest: str  # the key of the stamp's entry
    names: list[str]  # the rule files, as _rule_names lists them
    newest_ns: int  # the latest modification or change time among the files


def stamp(directory: Path) -> Stamp | None:
    """The stats of every file `directory`'s catalogue key reads, digested; None when
    one cannot be looked at, or with no cache folder to keep stamps in (the key is then
    made from the files, as ever)."""
    from linter.cache import cache_directory
    from linter.schemas import SCHEMAS_DIRECTORY

    if cache_directory() is None:
        return None
    names = _rule_names(directory)
    files = [(f"rules/{relative}", os.path.join(directory, relative)) for relative in names]
    files += [(relative, os.path.join(PACKAGE_DIRECTORY, relative))
              for relative in _code_files()]
    files.append(("schema", os.path.join(SCHEMAS_DIRECTORY, "rule.schema.json")))
    digest = hashlib.sha256()
    add_framed(digest, STAMP_FORMAT.encode(), __version__.encode(),
               os.path.abspath(directory).encode("utf-8", "surrogateescape"))
    newest = 0
    try:
        for name, path in files:
            stats = stats_of(os.stat(path))
            newest = max(newest, stats[3], stats[4])
            add_framed(digest, f"{name} {' '.join(map(str, stats))}".encode(
                "utf-8", "surrogateescape"))
    except OSError:
        return None
    return Stamp(digest.hexdigest(), names, newest)


def stamped_key(directory: Path, found: Stamp) -> str | None:
    """The catalogue key a stored stamp gives for exactly these stats, or None; on a hit
    the files' digests are known for the run (digested_already)."""
    text = read_entry(STAMP_NAMESPACE, found.digest)
    if text is None:
        return None
    try:
        document = json.loads(text)
        if not (isinstance(document, dict) and document.get("format") == STAMP_FORMAT
                and document.get("stamp") == found.digest
                and isinstance(document.get("key"), str)):
            return None
        digests = [(relative, digest) for relative, digest in document["files"]]
    except (ValueError, TypeError, KeyError):
        return None
    if [relative for relative, _ in digests] != found.names \
            or not all(isinstance(digest, str) for _, digest in digests):
        return None
    _digested[str(directory)] = digests
    return document["key"]


def store_stamp(directory: Path, found: Stamp, key: str) -> bool:
    """Remember `key` for the stats of `found` (files read this run); not when a file
    changed in the last seconds (see above)."""
    import time

    digests = _digested.get(str(directory))
    if digests is None or time.time_ns() - found.newest_ns < SETTLED_NS:
        return False
    return write_entry(STAMP_NAMESPACE, found.digest, json.dumps(
        {"format": STAMP_FORMAT, "stamp": found.digest, "key": key, "files": digests}))


# --- compiled entries ---------------------------------------------------------------


def entry(key: str, rules: list[tuple[str, dict[str, Any]]]) -> str | None:
    """The JSON text of a compiled catalogue, or None when a rule's data is not plain
    JSON (a YAML date or a non-string key would come back different: not cached)."""
    document = {"format": FORMAT, "key": key,
                "rules": [{"file": relative, "data": data} for relative, data in rules]}
    try:
        text = json.dumps(document, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):
        return None
    return text if json.loads(text) == document else None


def rules_of(text: bytes | str, key: str) -> list[tuple[str, dict[str, Any]]] | None:
    """(relative path, rule data) from a compiled catalogue; None unless it is one,
    compiled under exactly this key."""
    try:
        document = json.loads(text)
        if not (isinstance(document, dict) and document.get("format") == FORMAT
                and document.get("key") == key and isinstance(document.get("rules"), list)):
            return None
        rules = [(item["file"], item["data"]) for item in document["rules"]]
    except (ValueError, TypeError, KeyError):
        return None
    if not all(isinstance(relative, str) and isinstance(data, dict) for relative, data in rules):
        return None
    return rules


def shipped(directory: Path, key: str) -> list[tuple[str, dict[str, Any]]] | None:
    """The catalogue compiled at build time, when `directory` is the shipped rules
    folder beside it and the key matches."""
    shipped_rules = SHIPPED.parent / "rules"
    # The same text needs no resolving (each resolve looks at every folder on the way).
    if os.path.abspath(directory) != os.path.abspath(shipped_rules) \
            and directory.resolve() != shipped_rules.resolve():
        return None
    try:
        return rules_of(SHIPPED.read_bytes(), key)
    except OSError:
        return None


# --- the user cache folder ----------------------------------------------------------


def refuse_inside(scanned: Iterable[Path]) -> None:
    """Remember this run's scanned paths: a cache folder inside one is not used."""
    global _scanned
    _scanned = tuple(scanned)


def _cache_folder() -> Path | None:
    """The cache folder, or None when caching is off or the folder is inside a scanned
    path or the git work tree around one (a CI cache restored into a checkout, or one
    committed to it, could hold a planted entry: a pre-commit run names only files)."""
    from linter.cache import cache_directory, placed_inside

    directory = cache_directory()
    if directory is None or not hasattr(os, "getuid") or placed_inside(directory, _scanned):
        return None
    return directory


def cached(key: str) -> list[tuple[str, dict[str, Any]]] | None:
    """The compiled catalogue stored under `key` in the user cache folder, or None
    (missing, refused, not private, or not the entry for this key)."""
    text = read_entry(NAMESPACE, key)
    return None if text is None else rules_of(text, key)


def store(key: str, text: str) -> bool:
    """Write the compiled catalogue `text` under `key` (see write_entry)."""
    return write_entry(NAMESPACE, key, text)


def read_entry(namespace: str, key: str) -> bytes | None:
    """The bytes of `<namespace>/<key>.json` in the user cache folder, or None (caching
    off, folder refused, missing, or a folder or file not private to the user: read as
    linter.cache reads every entry). The caller still checks that the text is an entry
    for this key."""
    from linter.cache import read_bytes

    directory = _cache_folder()
    return None if directory is None else read_bytes(directory, (namespace, f"{key}.json"))


def write_entry(namespace: str, key: str, text: str) -> bool:
    """Write `<namespace>/<key>.json` atomically, as linter.cache writes every entry;
    False if skipped: a cache that cannot be written never fails a scan."""
    from linter.cache import write_bytes

    directory = _cache_folder()
    return directory is not None and write_bytes(directory, (namespace, f"{key}.json"),
                                                 text.encode("utf-8"))


def build(directory: Path, output: Path) -> int:
    """Compile `directory` (validated and checked as any load is) into `output`, as a
    wheel build does for the shipped rules; the number of rules."""
    from linter.engine import compile_directory

    key, rules = compile_directory(directory)
    text = entry(key, rules)
    if text is None:
        raise SystemExit(f"{directory}: a rule's data is not plain JSON: not compiled")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    return len(rules)


if __name__ == "__main__":  # python -m linter.catalogue OUTPUT [RULES_DIRECTORY]
    from linter.engine import catalogue_directory

    target = Path(sys.argv[1])
    source = Path(sys.argv[2]) if len(sys.argv) > 2 else catalogue_directory("rules")
    print(f"{target}: {build(source, target)} rules")
