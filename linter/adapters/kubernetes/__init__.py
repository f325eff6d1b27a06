"""Kubernetes objects to models. Builders are keyed by `kind`."""

from __future__ import annotations

from typing import Any

from linter.adapters import collect_builders
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


def build_models(path: str, objects: list[KubernetesObject]) -> list[Resource]:
    builders = collect_builders(__name__)
    context = KubernetesContext(path, objects)
    models: list[Resource] = []
    for item in objects:
        for builder in builders.get(str(item.body.get("kind")), ()):
            models.extend(builder(item.body, context))
    return models
