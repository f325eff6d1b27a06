"""YAML/JSON files recognised by their content: CloudFormation templates and Kubernetes objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from linter.parsers.yaml_source import MarkedList, load_documents
from linter.values import ConfigNode


@dataclass
class KubernetesObject:
    body: ConfigNode
    document_index: int


@dataclass
class ParsedDocuments:
    cloudformation: list[ConfigNode] = field(default_factory=list)
    kubernetes: list[KubernetesObject] = field(default_factory=list)

    @property
    def recognised(self) -> bool:
        return bool(self.cloudformation or self.kubernetes)


def might_be_infrastructure(text: str) -> bool:
    """A cheap look at the text before parsing: most YAML/JSON in a repo is neither."""
    return ("AWSTemplateFormatVersion" in text or ("Resources" in text and "AWS::" in text)
            or ("apiVersion" in text and "kind" in text))


def parse_documents(text: str, json_mode: bool, expect: str | None = None) -> ParsedDocuments:
    """Parse and sort the documents; `expect` forces one format (stdin input)."""
    parsed = ParsedDocuments()
    for index, document in enumerate(load_documents(text, json_mode=json_mode)):
        if not isinstance(document, ConfigNode):
            continue
        if expect != "kubernetes" and (expect == "cloudformation" or is_cloudformation(document)):
            parsed.cloudformation.append(document)
        elif expect != "cloudformation" and _is_kubernetes(document):
            parsed.kubernetes.extend(_kubernetes_objects(document, index))
    return parsed


def is_cloudformation(document: ConfigNode) -> bool:
    if "AWSTemplateFormatVersion" in document:
        return True
    resources = document.get("Resources")
    if not isinstance(resources, ConfigNode):
        return False
    # A template whose resources all come from Fn::ForEach loops names no Type directly.
    return any(str(name).startswith("Fn::ForEach::")
               or (isinstance(body, ConfigNode) and isinstance(body.get("Type"), str)
                   and body.get("Type").startswith(("AWS::", "Custom::")))
               for name, body in resources.values.items())


def _is_kubernetes(document: ConfigNode) -> bool:
    return isinstance(document.get("apiVersion"), str) and isinstance(document.get("kind"), str)


def _kubernetes_objects(document: ConfigNode, index: int) -> list[KubernetesObject]:
    if document.get("kind") == "List" or str(document.get("kind", "")).endswith("List"):
        items: Any = document.get("items")
        if isinstance(items, (list, MarkedList)):
            return [KubernetesObject(item, index) for item in items
                    if isinstance(item, ConfigNode) and _is_kubernetes(item)]
    return [KubernetesObject(document, index)]
