"""Which scanned Terraform folders can be judged apart from the others, found before parsing.

A folder is judged with every folder its module calls reach (linter.resolve.terraform_modules
follows literal local sources such as `source = "../../modules/db"`). Folders that no call
links form separate *components*: each can be read, parsed and judged in a worker process
of its own, and only its outcomes come back (linter.pipeline_workers), as a scan of that
component alone would judge it.

The calls are found by reading each file's bytes, without parsing. A local source is a
literal string, so every call's path appears in the text as a quoted string starting with
`.`: every such string is taken as a possible call (an over-estimate only joins folders
that could have been judged apart, never splits ones that must be judged together). Text
whose literal strings this reading cannot see exactly (a `\\u` escape in HCL, any escape in
JSON) makes every folder one component, as does a possible Terraform plan (a plan decides
how all Terraform in the scan is judged).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from pathlib import Path

from linter.discover import read_data
from linter.parsers.tfplan import PLAN_SECTIONS

# A quoted string that may be a local module source: ".", "..", "./x", "../x".
_LOCAL_SOURCE = re.compile(rb'"(\.\.?(?:/[^"\n]*)?)"')
_MODULE_WORD = b"module"
# Escapes that can spell a "." or "/" the pattern above would not see, or a "$${" that
# reads as "${": such text is not read here, and the scan is judged as one component.
_HCL_UNSEEN = (b"\\u", b"\\U")
_CANDIDATE_UNSEEN = (b"\\", b"$$", b"%%")
# What linter.parsers.tfplan.looks_like_plan looks for, as bytes (its head check aside).
_PLAN_MARKS = (b'"format_version"', tuple(f'"{section}"'.encode() for section in PLAN_SECTIONS))


def components(files: Iterable[tuple[str, str, Path]], max_file_bytes: int,
               known_calls: dict[str, frozenset[str] | None] | None = None
               ) -> list[list[str]]:
    """The folders of `files` ((display path, kind, path) of Terraform files, in any order)
    grouped into components: folders linked by a possible local module call, directly or
    through others, share one. Each component's folders are in order of first appearance;
    components in order of their first folder. One component of every folder when some
    file cannot be read this way (see the module's docstring). `known_calls`: file_calls
    of every file that mentions `module`, by display path, when the scan read them already
    (linter.input_facts); the files not in it call nothing and are not read."""
    folders: dict[str, None] = {}
    calls: dict[str, set[str]] = {}
    unseen = False
    for display_path, kind, path in files:
        folder = posixpath.dirname(display_path) or "."
        folders.setdefault(folder)
        if kind == "tfvars" or unseen:  # a variables file holds values, never a call
            continue
        if known_calls is not None:
            found = known_calls.get(display_path, frozenset())
        else:
            try:
                found = file_calls(read_data(path, max_file_bytes), display_path, kind)
            except ValueError:  # not parsed either: the file calls nothing
                continue
        if found is None:
            unseen = True
        else:
            calls.setdefault(folder, set()).update(found)
    if unseen:
        return [list(folders)]
    return _grouped(list(folders), calls)


def file_calls(data: bytes, display_path: str, kind: str) -> frozenset[str] | None:
    """The folders a Terraform file's bytes may call (joined to its own folder, as
    linter.resolve.terraform_modules joins a source), or None when they cannot be read
    without parsing (see the module's docstring)."""
    if kind == "terraform" and may_be_plan_data(data):  # a .tf file holding a plan is read as one
        return None
    if _MODULE_WORD not in data:
        return frozenset()
    if (kind == "terraform_json" and b"\\" in data) or any(mark in data for mark in _HCL_UNSEEN):
        return None
    if b'".' not in data:  # what every match starts with: most files need no search
        return frozenset()
    folder = posixpath.dirname(display_path) or "."
    found = set()
    for match in _LOCAL_SOURCE.finditer(data):
        candidate = match.group(1)
        if any(mark in candidate for mark in _CANDIDATE_UNSEEN):
            return None
        found.add(posixpath.normpath(posixpath.join(folder, candidate.decode("utf-8", "replace"))))
    return frozenset(found)


def may_be_plan_data(data: bytes) -> bool:
    """Whether a file's bytes might be a Terraform plan (read, not parsed)."""
    version, sections = _PLAN_MARKS
    return version in data and any(section in data for section in sections)


def may_be_plan(path: Path, max_file_bytes: int) -> bool:
    """Whether a JSON document might be a Terraform plan (read, not parsed)."""
    try:
        return may_be_plan_data(read_data(path, max_file_bytes))
    except ValueError:
        return False


def _grouped(folders: list[str], calls: dict[str, set[str]]) -> list[list[str]]:
    parent = {folder: folder for folder in folders}
    position = {folder: index for index, folder in enumerate(folders)}

    def find(folder: str) -> str:
        while parent[folder] != folder:
            parent[folder] = parent[parent[folder]]
            folder = parent[folder]
        return folder

    for folder, targets in calls.items():
        for target in targets:
            if target in parent:
                first, second = find(folder), find(target)
                if first != second:
                    parent[max(first, second, key=position.__getitem__)] = min(
                        first, second, key=position.__getitem__)
    grouped: dict[str, list[str]] = {}
    for folder in folders:
        grouped.setdefault(find(folder), []).append(folder)
    return list(grouped.values())
