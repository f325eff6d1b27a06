"""A small on-disk cache of work that depends only on file content.

- `parsed`: each scanned file's parse result (parsing is most of a cold scan), so a
  re-run parses only the files that changed.

Entries are keyed by a hash of everything the result depends on (ephi-lint's version,
the parser fingerprint of linter.parsing, the file's path and content), so a stale entry
cannot be hit; a cache that cannot be written is silently skipped. `EPHI_LINT_CACHE_DIR`
moves it (the tests point it at a temporary folder), `EPHI_LINT_CACHE_DIR=off` disables it.

A parse result is stored as data (linter.parse_codec: tagged JSON that decodes only into
the parse model's own classes), never as a pickle, so an entry cannot run code whoever
wrote it. An entry still decides what a file is judged to contain, so it is read only when
- the cache folder is not inside a scanned path or the git work tree around one
  (`refuse_inside`: a CI cache restored into a checkout could hold a committed entry);
- every folder on the way and the entry itself are opened without following symlinks,
  folder by folder from the descriptor of the one above, and the opened descriptors (not
  the paths, which another user could swap between a check and an open) are of the
  right type, belong to the user and are writable by no one else; entries are written
  the same way;
- the entry names the key it was stored under and the SHA-256 of its payload, and the
  payload decodes: a swapped, truncated, emptied or foreign entry is a miss (the file is
  parsed again), never a different file's result and never an error.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from linter import __version__
from linter.digests import add_framed

# `off` keeps the parse cache but not results (debugging, or timing the parse cache).
RESULT_CACHE_VARIABLE = "EPHI_LINT_RESULT_CACHE"


def cache_directory() -> Path | None:
    configured = os.environ.get("EPHI_LINT_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ephi-lint"


def content_key(*parts: bytes) -> str:
    digest = hashlib.sha256(__version__.encode())
    add_framed(digest, *parts)
    return digest.hexdigest()


# Pruned back to this many parse results (least recently written first) when a run adds
# entries beyond it: about 2 KB each, so the cache stays in the tens of megabytes.
MAX_PARSED_ENTRIES = 20_000


# Set by refuse_inside for this process (and the parser workers it forks).
_refused: str | None = None


def refuse_inside(scanned: list[Path]) -> str | None:
    """Switch the parse cache off for this run when its folder is inside a scanned path,
    or inside the git work tree holding one (anything in a checkout may be committed);
    the reason, or None when the cache is elsewhere (or off). A folder whose place cannot
    be decided is refused too."""
    global _refused
    _placed.clear()  # a new run: its folders are looked at afresh
    directory = cache_directory()
    _refused = None if directory is None else placed_inside(directory, scanned)
    return _refused


def refused() -> str | None:
    """Why this run does not use the cache folder (see refuse_inside), or None."""
    return _refused


def placed_inside(directory: Path, scanned: Iterable[Path]) -> str | None:
    """Why the cache folder `directory` must not be used by a run that scans `scanned`
    (it is inside one of them or the git work tree around one, or that cannot be told),
    or None. Every cache of ephi-lint (parse results, the compiled catalogue, the source
    index) asks this one question: answered once per run, as resolving every path and
    looking for `.git` above each took ~30 system calls a time, and a run asks up to
    eight times."""
    scanned = tuple(scanned)
    question = (str(directory), tuple(map(str, scanned)))
    if question not in _placed:
        _placed[question] = _placed_inside(directory, scanned)
    return _placed[question]


# Answers of placed_inside since the run began (refuse_inside): a run's folders do not move
# under it, and the entries themselves are opened without following a symlink whatever
# the answer.
_placed: dict[tuple[str, tuple[str, ...]], str | None] = {}


def _placed_inside(directory: Path, scanned: tuple[Path, ...]) -> str | None:
    try:
        folder = directory.resolve()
        for path in scanned:
            for root in _scanned_roots(path.resolve()):
                if folder == root or root in folder.parents:
                    where = "the scanned path" if root == path.resolve() else \
                        "the git work tree of the scanned path"
                    return (f"the parse cache {directory} is inside {where} {path}: "
                            "not used (a scanned repository must never supply cache "
                            "entries)")
    except (OSError, RuntimeError) as error:
        return (f"the parse cache {directory}: cannot tell whether it is inside a "
                f"scanned path ({type(error).__name__}); not used")
    return None


def _scanned_roots(path: Path) -> list[Path]:
    """The scanned folder (a scanned file's own folder is not a root: scanning
    ~/main.tf must not refuse ~/.cache) and the git work tree around it, if any."""
    roots = [path] if path.is_dir() else []
    for candidate in (path, *path.parents) if path.is_dir() else path.parents:
        if (candidate / ".git").exists():
            roots.append(candidate)
            break
    return roots


_MAGIC = b"ephi-lint-cache-2\n"  # 2: the payload is parse_codec data, not a pickle
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_DIGEST_BYTES = 32


def _private(descriptor: int, kind: int) -> bool:
    info = os.fstat(descriptor)
    return (stat.S_IFMT(info.st_mode) == kind and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _open_folder(name: str | Path, parent: int | None, create: bool = False) -> int | None:
    """A private folder's descriptor, opened without following a symlink (relative to
    the `parent` descriptor when given); None when it is missing or not private."""
    flags = os.O_RDONLY | _DIRECTORY | _NO_FOLLOW
    try:
        descriptor = os.open(name, flags, dir_fd=parent)
    except FileNotFoundError:
        if not create:
            raise
        try:  # made only when missing: a warm run does no mkdir at all
            os.mkdir(name, 0o700, dir_fd=parent)
        except FileExistsError:
            pass
        descriptor = os.open(name, flags, dir_fd=parent)
    if not _private(descriptor, stat.S_IFDIR):
        os.close(descriptor)
        return None
    return descriptor


def _open_chain(directory: Path, parts: tuple[str, ...], create: bool) -> list[int] | None:
    """Descriptors of `directory` and each folder of `parts` below it (the last one is
    the innermost); None, with every descriptor closed, when one is not private."""
    if create and not directory.is_dir():
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    opened: list[int] = []
    try:
        current = _open_folder(directory, None)
        for part in parts:
            if current is None:
                break
            opened.append(current)
            current = _open_folder(part, current, create)
        if current is None:
            raise PermissionError("a cache folder is not private")
        opened.append(current)
        return opened
    except OSError:
        for descriptor in opened:
            os.close(descriptor)
        return None


def _read_entry(directory: Path, parts: tuple[str, ...]) -> bytes | None:
    """The entry's bytes, opened folder by folder from `directory` without following a
    symlink, each opened descriptor checked; None when anything is not private."""
    folders = _open_chain(directory, parts[:-1], create=False)
    if folders is None:
        return None
    try:
        entry = os.open(parts[-1], os.O_RDONLY | _NO_FOLLOW, dir_fd=folders[-1])
        with os.fdopen(entry, "rb") as stored:
            if not _private(stored.fileno(), stat.S_IFREG):
                return None
            return stored.read()
    finally:
        for descriptor in folders:
            os.close(descriptor)


def read_bytes(directory: Path, parts: tuple[str, ...]) -> bytes | None:
    """The bytes of the entry `parts` below the cache folder `directory`, read as every
    entry is (folder by folder, no symlink, private descriptors); None when anything is
    missing or not private. The caller checks that the bytes are the entry it asked for."""
    try:
        return _read_entry(directory, parts)
    except OSError:
        return None


def write_bytes(directory: Path, parts: tuple[str, ...], data: bytes | tuple[bytes, ...]) -> bool:
    """Write `data` (bytes, or pieces of it in order: a header and a large payload are not
    joined into a third copy) as the entry `parts` below `directory` atomically (a reader
    never sees half of one), its folders made private if missing; False if skipped: a
    cache that cannot be written never fails a scan."""
    try:
        folders = _open_chain(directory, parts[:-1], create=True)
    except OSError:
        return False
    if folders is None:
        return False
    folder = folders[-1]
    temporary = f".tmp-{os.getpid()}-{os.urandom(8).hex()}"
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW, 0o600,
                         dir_fd=folder)
        with os.fdopen(handle, "wb") as written:
            for piece in (data,) if isinstance(data, bytes) else data:
                written.write(piece)
        os.replace(temporary, parts[-1], src_dir_fd=folder, dst_dir_fd=folder)
        return True
    except OSError:
        try:
            os.unlink(temporary, dir_fd=folder)
        except OSError:
            pass
        return False
    finally:
        for descriptor in folders:
            os.close(descriptor)


def _sealed(key: str, payload: bytes) -> bytes:
    return b"".join(sealed_pieces(_MAGIC, key, (payload,)))


def sealed_pieces(magic: bytes, key: str, payload: Sequence[bytes]) -> tuple[bytes, ...]:
    """An entry as written: its header (format, key, SHA-256 of the payload), then the
    payload's pieces, kept apart so a large payload is never joined or copied to be
    sealed. `magic` names the entry's format (each cache namespace has its own)."""
    digest = hashlib.sha256()
    for piece in payload:
        digest.update(piece)
    return (magic + key.encode() + digest.digest(), *payload)


def _unsealed(key: str, data: bytes) -> bytes | None:
    return unsealed(_MAGIC, key, data)


def unsealed(magic: bytes, key: str, data: bytes) -> bytes | None:
    """The payload of an entry of format `magic` stored under `key`, or None (another
    key's entry, a truncated or altered one, an empty file, an older format)."""
    header = len(magic) + len(key)
    payload = data[header + _DIGEST_BYTES:]
    if (len(data) <= header + _DIGEST_BYTES or data[:len(magic)] != magic
            or data[len(magic):header] != key.encode()
            or data[header:header + _DIGEST_BYTES] != hashlib.sha256(payload).digest()):
        return None
    return payload


def _valid_key(key: str) -> bool:
    # Keys are hex digests: never a path of their own (no "/", "..", or hidden name).
    return len(key) >= 3 and all(character in "0123456789abcdef" for character in key)


def _is_shard(name: str) -> bool:
    return len(name) == 2 and all(character in "0123456789abcdef" for character in name)


def load_object(namespace: str, key: str) -> Any:
    """The stored value, or None (missing, unreadable, from an unsafe folder, refused,
    not the entry stored under this key, or not decodable into the parse model)."""
    # Imported here: the result cache and the command-line memo read entries too.
    from linter import parse_codec

    directory = cache_directory()
    if (directory is None or _refused is not None or not hasattr(os, "getuid")
            or not _valid_key(key)):
        return None
    try:
        data = _read_entry(directory, (namespace, key[:2], key))
        payload = None if data is None else _unsealed(key, data)
        return None if payload is None else parse_codec.decode(payload)
    except (OSError, parse_codec.CodecError):  # a miss, never an error
        return None


def store_object(namespace: str, key: str, value: Any) -> bool:
    """Store `value` atomically (a reader never sees half an entry); False if skipped
    (caching off or refused, an unsafe folder, a value outside the parse model)."""
    from linter import parse_codec

    directory = cache_directory()
    if (directory is None or _refused is not None or not hasattr(os, "getuid")
            or not _valid_key(key)):
        return False
    try:
        payload = parse_codec.encode(value)
    except parse_codec.CodecError:
        return False
    return write_bytes(directory, (namespace, key[:2], key),
                       sealed_pieces(_MAGIC, key, (payload,)))


def prune(namespace: str, keep: int) -> int:
    """Delete the oldest entries beyond `keep`; the number deleted. Folders are opened as
    entries are (no symlink followed, private only), and names are unlinked relative to
    their folder's descriptor, so a swapped folder cannot make this delete elsewhere."""
    directory = cache_directory()
    if directory is None or not hasattr(os, "getuid"):
        return 0
    folders = _open_chain(directory, (namespace,), create=False)
    if folders is None:
        return 0
    shards: list[int] = []
    try:
        entries: list[tuple[float, int, str]] = []
        with os.scandir(folders[-1]) as listing:
            names = [item.name for item in listing if _is_shard(item.name)]
        for name in names:
            shard = _open_folder(name, folders[-1])
            if shard is None:
                continue
            shards.append(shard)
            with os.scandir(shard) as listing:
                for item in listing:
                    info = item.stat(follow_symlinks=False)
                    if stat.S_ISREG(info.st_mode):
                        entries.append((info.st_mtime, shard, item.name))
        if len(entries) <= keep:
            return 0
        entries.sort(key=lambda entry: entry[0])
        for _, shard, name in entries[:len(entries) - keep]:
            os.unlink(name, dir_fd=shard)
        return len(entries) - keep
    except OSError:
        return 0
    finally:
        for descriptor in (*shards, *folders):
            os.close(descriptor)
