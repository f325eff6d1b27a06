"""Kubernetes objects to models. Builders are keyed by `kind`."""

from __future__ import annotations

from typing import Any

from linter.adapters import built_or_reported, collect_builders
from linter.discover import FileProblem
from linter.models.base import Resource, SourceLocation
from linter.parsers.documents import KubernetesObject
from linter.values import ConfigNode


class KubernetesContext:
    def __init__(self, path: str, objects: list[KubernetesObject]) -> None:
        self.path = path
        self.objects = objects

    def of_kind(self, kind: str) -> list[ConfigNode]:
        return [item.body for item in self.objects if item.body.get("kind") == kind]

    def identity(self, body: ConfigNode) -> dict[str, Any]:
        metadata = body.get("metadata")
        name = namespace = None
        if isinstance(metadata, ConfigNode):
            name = metadata.get("name")
            namespace = metadata.get("namespace")
        kind = str(body.get("kind"))
        parts = [kind, str(namespace)] if namespace else [kind]
        return {
            "address": "/".join([*parts, str(name or "(unnamed)")]),
            "source_type": f"{body.get('apiVersion')}/{kind}",
            "source_format": "kubernetes",
            "location": SourceLocation(self.path, body.line, body.end_line),
            "scope": self.path,
        }


def build_models(path: str, objects: list[KubernetesObject],
                 problems: list[FileProblem] | None = None) -> list[Resource]:
    """The models of every object. With `problems`, a builder that crashes is an error
    there for that object alone, and the others are built; without, it propagates."""
    builders = collect_builders(__name__)
    context = KubernetesContext(path, objects)
    models: list[Resource] = []
    for item in objects:
        for builder in builders.get(str(item.body.get("kind")), ()):
            models.extend(built_or_reported(
                builder, (item.body, context), problems, path, item.body.line,
                f"building the model of {_label(item.body)}"))
    return models


def _label(body: ConfigNode) -> str:
    """`Pod/web`: the object's kind and name as written, whatever their types."""
    metadata = body.get("metadata")
    name = metadata.get("name") if isinstance(metadata, ConfigNode) else None
    return f"{body.get('kind')}/{name if isinstance(name, str) else '(unnamed)'}"
