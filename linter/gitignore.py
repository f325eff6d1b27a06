"""gitignore patterns (gitignore(5)), matched as pathspec's GitIgnoreSpec matches them.

pathspec is the reference the tests hold this module to (and git itself where the two
are compared): importing it took 14 ms and compiling an ignore file 0.6 ms, more than the
rest of a walk over four module repositories. A line pathspec rejects (a lone `!`, a
trailing backslash) is skipped here, as git skips it, instead of failing the scan.

Paths are relative to the ignore file's folder, POSIX, a folder's with a trailing slash.
A pattern matches a path itself (`foo` matches `foo`), or a folder on its way (`foo`
matches `foo/x.tf` and the folder `foo/`): git never enters an ignored folder. When
several patterns match, the last one that matches the path itself decides; one that
matches only through a folder decides only when no pattern matches the path itself
(pathspec's reading of git's behaviour, which goes beyond its documentation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A match that ends here is the path itself; one followed by a slash went through a
# folder (the named group), whatever comes after it.
_ITSELF_OR_FOLDER = "(?:(?P<folder>/)|$)"
_FOLDER = "(?P<folder>/)"
_ANY_FOLDERS = "(?:.+/)?"


class IgnoreSpec:
    """The patterns of one ignore file (or of --skip-path)."""

    __slots__ = ("_any", "_patterns", "_sources")

    def __init__(self, lines: Iterable[str]) -> None:
        self._sources = [parsed for line in lines if (parsed := _pattern(line)) is not None]
        # Most paths match no pattern: one search answers them, and each pattern is
        # compiled only once a path matches one (compiling a module repository's ignore
        # file pattern by pattern cost ~1 ms of every scan).
        self._any = re.compile("|".join(
            f"(?:{source.replace(_FOLDER, '/')})" for source, _ in self._sources),
            re.DOTALL) if self._sources else None
        self._patterns: list[tuple[re.Pattern[str], bool]] | None = None

    def verdict(self, path: str) -> bool | None:
        """True: ignored; False: brought back by a `!` pattern; None: no pattern matches."""
        if self._any is None or self._any.search(path) is None:
            return None
        if self._patterns is None:
            self._patterns = [(re.compile(source, re.DOTALL), negated)
                              for source, negated in self._sources]
        # From the last pattern: the first that matches the path itself decides; one that
        # matches only through a folder decides unless an earlier one matches the path.
        ignored: bool | None = None
        for regex, negated in reversed(self._patterns):
            match = regex.search(path)
            if match is None:
                continue
            if "folder" not in regex.groupindex or match.group("folder") is None:
                return not negated
            if ignored is None:
                ignored = not negated
        return ignored

    def ignores(self, path: str) -> bool:
        return self.verdict(path) is True


def _pattern(line: str) -> tuple[str, bool] | None:
    """A line's regular expression (searched for in a path) and whether it is negated
    (`!`); None for a blank line, a comment, or a pattern that can match nothing."""
    line = line.rstrip("\r\n")
    if line.startswith("#"):
        return None
    line = _strip_trailing_spaces(line)
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    folder_only = line.endswith("/")
    line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    segments: list[str] = []
    for segment in line.lstrip("/").split("/"):
        if not (segment == "**" and segments and segments[-1] == "**"):  # `**/**` is `**`
            segments.append(segment)
    if segments[0] == "**":  # `**/x` is `x` at any depth
        segments, anchored = segments[1:], False
    if segments in ([], ["*"]) and not anchored:  # `*`, `**`, `**/*`: every path itself
        return (_FOLDER if folder_only else "."), negated
    inside = len(segments) > 1 and segments[-1] == "**"  # `a/**`: everything in a
    if inside:
        segments = segments[:-1]
    parts: list[str] = []
    for index, segment in enumerate(segments):
        if segment == "**":  # between two names: any folders, or none
            parts.append("(?:/.+)?")
            continue
        glob = "[^/]+" if segment == "*" else _glob(segment)  # a whole name: never empty
        if glob is None:
            return None
        if index:
            parts.append("/")
        parts.append(glob)
    body = ("^" if anchored else "^" + _ANY_FOLDERS) + "".join(parts)
    if inside:
        return body + (_FOLDER if folder_only else "/"), negated
    return body + (_FOLDER if folder_only else _ITSELF_OR_FOLDER), negated


def _strip_trailing_spaces(line: str) -> str:
    """Trailing spaces go unless escaped (`a\\ ` keeps one)."""
    end = len(line)
    while end > 0 and line[end - 1] == " ":
        backslashes = 0
        while end - 1 - backslashes > 0 and line[end - 2 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2:
            break
        end -= 1
    return line[:end]


def _glob(segment: str) -> str | None:
    """One path segment's wildcards as a regular expression: `*` and `?` never match a
    slash, nor does a bracket expression; None for a pattern that matches nothing (a
    trailing lone backslash, a bracket never closed)."""
    out: list[str] = []
    index, size = 0, len(segment)
    while index < size:
        char = segment[index]
        if char == "*":
            while index + 1 < size and segment[index + 1] == "*":
                index += 1
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\":
            if index + 1 == size:
                return None
            index += 1
            out.append(re.escape(segment[index]))
        elif char == "[":
            bracket = _bracket(segment, index)
            if bracket is None:  # never closed: git's wildmatch gives up on the pattern
                return None
            expression, index = bracket
            out.append(expression)
            continue
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def _bracket(segment: str, start: int) -> tuple[str, int] | None:
    """The bracket expression at `start` and the index after it; None when it is not
    closed."""
    index = start + 1
    negated = index < len(segment) and segment[index] in "!^"
    if negated:
        index += 1
    members: list[str] = []
    first = True
    while index < len(segment):
        char = segment[index]
        if char == "]" and not first:
            body = "".join(members)
            return (f"[^/{body}]" if negated else f"(?!/)[{body}]"), index + 1
        if char == "\\" and index + 1 < len(segment):
            index += 1
            members.append(re.escape(segment[index]))
        elif char == "-" and members and index + 1 < len(segment) \
                and segment[index + 1] != "]":
            members.append("-")
        else:
            members.append("\\" + char if char in "\\^[]-" else char)
        first = False
        index += 1
    return None
