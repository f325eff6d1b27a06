"""Filesystem functions, confined to the scanned module folder.

Relative paths resolve against the module folder (`CallContext.base_dir`), as
`${path.module}/...` does. A path that resolves, after symlinks, outside that folder, a
path under `~`, a file over 10 MB, a non-regular file (a FIFO would block) or a file
that is not UTF-8 text where text is needed is not read: the result is unknown, with
the reason. A missing file is Terraform's own error.
"""

from __future__ import annotations

import base64
import os
import posixpath
import re
import stat
from typing import Any

from linter import dependencies
from linter.resolve.functions.base import (
    MAX_BYTES,
    MAX_ELEMENTS,
    CallContext,
    FunctionError,
    NotEvaluated,
    check_text,
    is_unknown,
    known,
    not_evaluated,
    with_context,
)
from linter.resolve.functions.conversions import as_string
from linter.resolve.functions.hashing_crypto import base64_digest, hex_digest
from linter.resolve.functions.strings import render
from linter.values import Unknown


def _go_clean(path: str) -> str:
    cleaned = posixpath.normpath(path) if path else "."
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def _basename(path: Any) -> str:
    text = as_string(path, "path").rstrip("/")
    if not text:
        return "/" if as_string(path, "path") else "."
    return text.rsplit("/", 1)[-1]


def _dirname(path: Any) -> str:
    text = as_string(path, "path")
    return _go_clean(text[:text.rfind("/") + 1])


def resolve(context: CallContext, path_value: Any) -> str:
    """The real path of a file argument, refused when it leaves the module folder."""
    path = as_string(path_value, "path")
    if context.base_dir is None:
        raise NotEvaluated("file paths are not evaluated without the module folder")
    if "\0" in path:
        raise FunctionError("the path contains a NUL character")
    if path.startswith("~"):
        raise NotEvaluated("paths under the home folder (~) are not read")
    root = os.path.realpath(context.base_dir)
    real = os.path.realpath(os.path.join(context.base_dir, path))
    if os.path.commonpath([root, real]) != root:
        raise NotEvaluated(f"path {path!r} leaves the scanned module folder and is not read")
    return real


def _file_status(real: str, shown: str) -> os.stat_result | None:
    dependencies.looked_at(real)  # a result made from it is stale once it changes
    try:
        return os.stat(real)
    except FileNotFoundError:
        return None
    except OSError:
        raise NotEvaluated(f"{shown!r} could not be read") from None


def read_bytes(context: CallContext, path_value: Any) -> bytes:
    real, shown = resolve(context, path_value), as_string(path_value)
    status = _file_status(real, shown)
    if status is None:
        raise FunctionError(f"no file exists at {shown!r}")
    if stat.S_ISDIR(status.st_mode):
        raise FunctionError(f"{shown!r} is a directory, not a file")
    if not stat.S_ISREG(status.st_mode):
        raise NotEvaluated(f"{shown!r} is not a regular file and is not read")
    if status.st_size > MAX_BYTES:
        raise NotEvaluated(f"{shown!r} exceeds the {MAX_BYTES:,}-byte file limit")
    with open(real, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise NotEvaluated(f"{shown!r} exceeds the {MAX_BYTES:,}-byte file limit")
    return data


def read_text(context: CallContext, path_value: Any) -> str:
    try:
        return read_bytes(context, path_value).decode("utf-8")
    except UnicodeDecodeError:
        raise NotEvaluated(f"{as_string(path_value)!r} is not UTF-8 text") from None


def _file(context: CallContext, path: Any) -> str:
    return read_text(context, path)


def _filebase64(context: CallContext, path: Any) -> str:
    return check_text(base64.b64encode(read_bytes(context, path)).decode("ascii"))


def _fileexists(context: CallContext, path: Any) -> bool:
    real, shown = resolve(context, path), as_string(path)
    status = _file_status(real, shown)
    if status is None:
        return False
    if stat.S_ISREG(status.st_mode):
        return True
    if stat.S_ISDIR(status.st_mode):
        raise FunctionError(f"{shown!r} is a directory, not a file")
    raise FunctionError(f"{shown!r} is not a regular file")


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """doublestar's glob syntax: `**` spans folders, `*` and `?` stay within one,
    `[...]` (negated by `!` or `^`), `{a,b}` alternatives, `\\` escapes."""
    out, index, depth = [], 0, 0
    while index < len(pattern):
        char = pattern[index]
        at_segment_start = index == 0 or pattern[index - 1] == "/"
        if char == "*" and pattern.startswith("**", index) and at_segment_start and (
                index + 2 == len(pattern) or pattern[index + 2] == "/"):
            out.append(".*" if index + 2 == len(pattern) else "(?:[^/]*/)*")
            index += 3
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 2)
            if end < 0:
                raise FunctionError("syntax error in pattern: unclosed [")
            body = pattern[index + 1:end]
            negated = body[:1] in ("!", "^")
            body = body[1:] if negated else body
            out.append("[" + ("^" if negated else "") + body.replace("\\", "\\\\") + "]")
            index = end
        elif char == "{":
            depth += 1
            out.append("(?:")
        elif char == "}" and depth:
            depth -= 1
            out.append(")")
        elif char == "," and depth:
            out.append("|")
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            out.append(re.escape(pattern[index]))
        else:
            out.append(re.escape(char))
        index += 1
    if depth:
        raise FunctionError("syntax error in pattern: unclosed {")
    try:
        return re.compile("".join(out))
    except re.error:
        raise FunctionError("syntax error in pattern") from None


def _fileset(context: CallContext, path: Any, pattern: Any) -> list[str]:
    folder = resolve(context, path)
    text = as_string(pattern, "pattern")
    matcher = _glob_regex(text[2:] if text.startswith("./") else text)
    if not os.path.isdir(folder):
        dependencies.looked_at(folder)
        return []
    boundary = os.path.realpath(context.base_dir or folder)
    found, visited = [], 0
    for current, folders, files in os.walk(folder):
        folders.sort()
        dependencies.looked_at(current)  # a file added here may match
        visited += len(folders) + len(files)
        if visited > MAX_ELEMENTS:
            raise NotEvaluated(f"the folder has more than the {MAX_ELEMENTS:,}-entry limit")
        relative_folder = os.path.relpath(current, folder)
        for name in files:
            relative = name if relative_folder == "." else f"{relative_folder}/{name}"
            relative = relative.replace(os.sep, "/")
            if not matcher.fullmatch(relative):
                continue
            real = os.path.realpath(os.path.join(current, name))
            if os.path.commonpath([boundary, real]) != boundary:
                raise NotEvaluated("a matched file leaves the scanned module folder")
            if os.path.isfile(real):
                found.append(relative)
    return sorted(found)


def _templatefile(context: CallContext, path: Any, vars_value: Any) -> Any:
    # The variables may be partly unknown: the renderer shows those parts as `${...}`.
    if is_unknown(path) or is_unknown(vars_value):
        return Unknown("templatefile() of an unknown value")
    if context.render_template is None:
        return Unknown("templatefile() needs the evaluator's template renderer")
    return render(context, read_text(context, path), vars_value)


def _digest_of_file(algorithm: str, encode: Any) -> Any:
    return lambda context, path: encode(algorithm, read_bytes(context, path))


FUNCTIONS = {
    "basename": known("basename", _basename, 1),
    "dirname": known("dirname", _dirname, 1),
    "abspath": not_evaluated("abspath", "depends on the folder Terraform runs in"),
    "pathexpand": not_evaluated("pathexpand", "depends on the home folder of the machine"),
}

CONTEXT_FUNCTIONS = {
    "file": with_context("file", _file, 1),
    "filebase64": with_context("filebase64", _filebase64, 1),
    "fileexists": with_context("fileexists", _fileexists, 1),
    "fileset": with_context("fileset", _fileset, 2),
    "templatefile": with_context("templatefile", _templatefile, 2, wholly_known=False),
    "filemd5": with_context("filemd5", _digest_of_file("md5", hex_digest), 1),
    "filesha1": with_context("filesha1", _digest_of_file("sha1", hex_digest), 1),
    "filesha256": with_context("filesha256", _digest_of_file("sha256", hex_digest), 1),
    "filesha512": with_context("filesha512", _digest_of_file("sha512", hex_digest), 1),
    "filebase64sha256": with_context(
        "filebase64sha256", _digest_of_file("sha256", base64_digest), 1),
    "filebase64sha512": with_context(
        "filebase64sha512", _digest_of_file("sha512", base64_digest), 1),
}
