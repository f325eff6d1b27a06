"""YAML/JSON files recognised by their content: CloudFormation templates and Kubernetes objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from linter.parsers.template_census import resources_sections
from linter.parsers.yaml_source import DocumentError, DuplicateKey, MarkedList, load_documents
from linter.values import ConfigNode


class TemplateRejected(DocumentError):
    """A template that loads as YAML or JSON but cannot be judged whole: a key written
    twice, or resources its raw text holds that the loader did not return. Unlike a
    syntax error, never a sign of an unrendered Helm chart."""


@dataclass
class KubernetesObject:
    """One Kubernetes object of a YAML or JSON stream, and its place in the stream."""

    body: ConfigNode
    document_index: int


@dataclass
class ParsedDocuments:
    """The CloudFormation templates and Kubernetes objects one file holds."""

    cloudformation: list[ConfigNode] = field(default_factory=list)
    kubernetes: list[KubernetesObject] = field(default_factory=list)

    @property
    def recognised(self) -> bool:
        return bool(self.cloudformation or self.kubernetes)


def parse_documents(text: str, json_mode: bool, expect: str | None = None) -> ParsedDocuments:
    """Parse and sort the documents; `expect` forces one format (stdin input).

    A CloudFormation template with a key written twice, or with resources its raw text
    declares that the loader did not return, raises DocumentError: CloudFormation
    rejects the first, and a scan must never judge less than the file holds.
    """
    parsed = ParsedDocuments()
    duplicates: list[DuplicateKey] = []
    documents = load_documents(text, json_mode=json_mode, duplicates=duplicates)
    for index, document in enumerate(documents):
        if not isinstance(document, ConfigNode):
            continue
        if expect != "kubernetes" and (expect == "cloudformation" or is_cloudformation(document)):
            _refuse_duplicates([item for item in duplicates if item.document == index])
            if not json_mode:
                _hold_against_census(document, text)
            parsed.cloudformation.append(document)
        elif expect != "cloudformation" and _is_kubernetes(document):
            parsed.kubernetes.extend(_kubernetes_objects(document, index))
    return parsed


def is_cloudformation(document: ConfigNode) -> bool:
    """A template: it names its format version, or declares AWS resources.

    Resources written as a list (which CloudFormation rejects) still make a template,
    so the mistake is reported instead of the file being passed over.
    """
    if "AWSTemplateFormatVersion" in document:
        return True
    resources = document.get("Resources")
    if isinstance(resources, ConfigNode):
        # A template whose resources all come from Fn::ForEach loops names no Type.
        return any(str(name).startswith("Fn::ForEach::") or _declares_aws_type(body)
                   for name, body in resources.items())
    if isinstance(resources, list):  # `- Bucket: {Type: ...}` or `- Type: ...`
        return any(_declares_aws_type(item) or (isinstance(item, ConfigNode) and any(
            _declares_aws_type(body) for body in item.values.values())) for item in resources)
    return False


def _declares_aws_type(body: object) -> bool:
    resource_type = body.get("Type") if isinstance(body, ConfigNode) else None
    return isinstance(resource_type, str) and resource_type.startswith(("AWS::", "Custom::"))


def _refuse_duplicates(duplicates: list[DuplicateKey]) -> None:
    if duplicates:
        first = min(duplicates, key=lambda item: item.line)
        # Loaders keep the last value; the AWS CLI and cfn-lint refuse the template.
        raise TemplateRejected(
            f"key {first.key} at line {first.line} is already defined at line "
            f"{first.first_line}: a template must not define a key twice")


def _hold_against_census(template: ConfigNode, text: str) -> None:
    """Every logical id the raw `Resources:` section holds must have been loaded."""
    resources = template.get("Resources")
    if not isinstance(resources, ConfigNode):
        return
    written_at = template.line_of("Resources")
    for section in resources_sections(text):
        if section.line != written_at:
            continue
        loaded = set(resources.lines.values())
        lost = [line for _, line in section.keys if line not in loaded]
        if lost:
            lines = ", ".join(str(line) for line in lost)
            noun = "resource at line" if len(lost) == 1 else "resources at lines"
            verb = "was" if len(lost) == 1 else "were"
            raise TemplateRejected(f"the {noun} {lines} {verb} not read by the YAML parser")


def _is_kubernetes(document: ConfigNode) -> bool:
    return isinstance(document.get("apiVersion"), str) and isinstance(document.get("kind"), str)


def _kubernetes_objects(document: ConfigNode, index: int) -> list[KubernetesObject]:
    if document.get("kind") == "List" or str(document.get("kind", "")).endswith("List"):
        items: Any = document.get("items")
        if isinstance(items, (list, MarkedList)):
            return [KubernetesObject(item, index) for item in items
                    if isinstance(item, ConfigNode) and _is_kubernetes(item)]
    return [KubernetesObject(document, index)]
