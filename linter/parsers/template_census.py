"""An independent count of a YAML CloudFormation template's resources, from its raw lines.

The YAML composer keeps one value per key: a logical id written twice, or a resource
some other loader drops, would vanish from the scan without a word. This line scan
reads each block-style `Resources:` section at column 0 and lists the keys written at
the indentation of its first entry, so the composed template can be held against it
(see `linter.parsers.documents`). Flow style (`Resources: {...}`) and JSON are left to
the composer's own duplicate-key report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SECTION = re.compile(r"""^(?:Resources|"Resources"|'Resources')[ \t]*:[ \t]*(?:#.*)?$""")
# A key at the start of a line: quoted, or plain text up to the first `:` followed by
# whitespace or the line's end (so `Fn::ForEach::Buckets:` is one key).
_KEY = re.compile(r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'"""
                  r"""|([^\s#'"?\[{&*!|>%@`-][^#]*?|-[^\s#][^#]*?))[ \t]*:(?:[ \t]|$)""")
_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?:[ \t]|$)")


@dataclass(frozen=True)
class ResourcesSection:
    """A top-level `Resources:` section of a YAML stream and the lines of its logical ids."""

    line: int  # the `Resources:` line
    keys: tuple[tuple[str, int], ...]  # (logical id as written, its line)


def resources_sections(text: str) -> list[ResourcesSection]:
    """Every block-style top-level `Resources:` section of a YAML stream."""
    lines = text.splitlines()
    sections = []
    for index, line in enumerate(lines):
        if _SECTION.match(line):
            sections.append(ResourcesSection(index + 1, tuple(_keys(lines, index + 1))))
    return sections


def _keys(lines: list[str], start: int) -> list[tuple[str, int]]:
    keys: list[tuple[str, int]] = []
    indent: int | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        content = line.lstrip(" ")
        if not content.strip() or content.startswith("#"):
            continue
        depth = len(line) - len(content)
        if indent is None:
            indent = depth
        if depth < indent or depth == 0 or _DOCUMENT_MARKER.match(line):
            break  # the next top-level key or document: the section has ended
        if depth > indent:
            continue  # inside a resource
        match = _KEY.match(content)
        if match is None or content.startswith("<<"):
            continue  # a list item, a complex key or a merge key: not a logical id
        key = match.group(1) if match.group(1) is not None else (
            match.group(2).replace("''", "'") if match.group(2) is not None
            else match.group(3))
        keys.append((key, index + 1))
    return keys
