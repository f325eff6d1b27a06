"""Anchor live resources in the CloudFormation templates that declared them.

`ephi-lint aws --templates DIR` indexes DIR's templates by logical id. A live resource
tagged `aws:cloudformation:logical-id` (and `aws:cloudformation:stack-name`) then points
at the template file and the line of that logical id instead of its virtual path
`aws/ACCOUNT/REGION/SERVICE/NAME`; its address stays the ARN.

Matching: a logical id declared in one template only is that template's. Declared in
several, the stack name must equal one of those templates' file stem; otherwise the
resource keeps its virtual path (a guess could point at the wrong stack).
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from linter.discover import might_be_infrastructure
from linter.models.base import SourceLocation
from linter.parsers.documents import parse_documents
from linter.parsers.yaml_source import DocumentError
from linter.values import ConfigNode

LOGICAL_ID_TAG = "aws:cloudformation:logical-id"
STACK_NAME_TAG = "aws:cloudformation:stack-name"
_SUFFIXES = (".yaml", ".yml", ".json", ".template")


class TemplateIndex:
    def __init__(self) -> None:
        # logical id -> [(template file stem, location)]
        self.declared: dict[str, list[tuple[str, SourceLocation]]] = defaultdict(list)
        # The template files indexed (path, display path): their inline
        # `ephi-lint: ignore[...]` comments apply to the findings anchored in them.
        self.files: list[tuple[Path, str]] = []
        # ARN -> the resource's tags, for waivers that name tags; filled when the live
        # adapter passes the ARN to locate().
        self.tags: dict[str, dict[str, str]] = {}

    def add(self, stem: str, logical_id: str, location: SourceLocation) -> None:
        self.declared[logical_id].append((stem, location))

    def tags_of(self, arn: str) -> dict[str, str] | None:
        return self.tags.get(arn)

    def locate(self, tags: dict[str, str], arn: str = "") -> SourceLocation | None:
        if arn:
            self.tags[arn] = dict(tags)
        candidates = self.declared.get(tags.get(LOGICAL_ID_TAG, ""), [])
        if len(candidates) == 1:
            return candidates[0][1]
        stack = tags.get(STACK_NAME_TAG, "")
        named = [location for stem, location in candidates if stack and stem == stack]
        return named[0] if len(named) == 1 else None


def load_templates(directory: Path, root: Path | None = None) -> TemplateIndex:
    """Every CloudFormation template under `directory`, paths relative to `root` (cwd)."""
    root = root or Path.cwd()
    index = TemplateIndex()
    files = [directory] if directory.is_file() else sorted(
        path for path in directory.rglob("*")
        if path.is_file() and path.suffix.lower() in _SUFFIXES)
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
            if not might_be_infrastructure(text):
                continue
            templates = parse_documents(text, path.suffix.lower() == ".json").cloudformation
        except (OSError, UnicodeDecodeError, DocumentError):
            continue  # not a template this index can use; the file scan reports it
        shown = Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
        if templates:
            index.files.append((path, shown))
        for template in templates:
            resources = template.get("Resources")
            if not isinstance(resources, ConfigNode):
                continue
            for logical_id, body in resources.items():
                if isinstance(body, ConfigNode):
                    line = resources.line_of(logical_id)
                    index.add(path.stem, logical_id,
                              SourceLocation(shown, line, max(body.end_line, line)))
    return index


def resource_tags(data: dict[str, Any]) -> dict[str, str]:
    """The tags in a collector's API answers.

    APIs give them as a list of Key/Value pairs (`Tags`, `TagList`, `TagSet`) or, in the
    newer JSON APIs (EKS, MSK, Transfer...), as a plain map under `Tags` or `tags`.
    """
    tags: dict[str, str] = {}
    for answer in data.values():
        if not isinstance(answer, dict):
            continue
        for key in ("Tags", "TagList", "TagSet", "tags"):
            found = answer.get(key) or ()
            if isinstance(found, dict):
                tags.update((str(name), str(value)) for name, value in found.items())
                continue
            for tag in found:
                if isinstance(tag, dict) and isinstance(tag.get("Key"), str):
                    tags[tag["Key"]] = str(tag.get("Value", ""))
    return tags
