"""CloudFormation resources (after intrinsics are resolved) to models."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from linter.adapters import built_or_reported, collect_builders
from linter.discover import FileProblem
from linter.models.base import Resource, SourceLocation
from linter.resolve.cloudformation import ResolvedResource
from linter.values import ResourceRef


class TemplateContext:
    def __init__(self, path: str, resources: list[ResolvedResource]) -> None:
        self.path = path
        self.resources = resources
        self._by_type: dict[str, list[ResolvedResource]] = defaultdict(list)
        for resource in resources:
            self._by_type[resource.type].append(resource)

    def of_type(self, resource_type: str) -> list[ResolvedResource]:
        return self._by_type.get(resource_type, [])

    def referencing(self, resource_type: str, property_name: str, target: ResolvedResource,
                    names: tuple[Any, ...] = ()) -> list[ResolvedResource]:
        """Resources of `resource_type` whose property refers to `target` (Ref, GetAtt or name)."""
        found = []
        for resource in self.of_type(resource_type):
            value = resource.properties.get(property_name)
            if isinstance(value, ResourceRef):
                if value.name == target.logical_id:
                    found.append(resource)
            elif value is not None and value in [name for name in names if name is not None]:
                found.append(resource)
        return found

    def identity(self, resource: ResolvedResource) -> dict[str, Any]:
        return {
            "address": resource.logical_id,
            "source_type": resource.type,
            "source_format": "cloudformation",
            "location": SourceLocation(self.path, resource.line, resource.end_line),
            "scope": self.path,
        }


def build_models(path: str, resources: list[ResolvedResource],
                 problems: list[FileProblem] | None = None) -> list[Resource]:
    """The models of every resource. With `problems`, a builder that crashes is an error
    there for that resource alone, and the others are built; without, it propagates."""
    builders = collect_builders(__name__)
    context = TemplateContext(path, resources)
    models: list[Resource] = []
    for resource in resources:
        for builder in builders.get(resource.type, ()):
            models.extend(built_or_reported(
                builder, (resource, context), problems, path, resource.line,
                f"building the model of {resource.logical_id} ({resource.type})"))
    return models
