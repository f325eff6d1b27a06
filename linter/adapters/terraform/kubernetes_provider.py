"""Resources of the Terraform kubernetes provider, judged by the Kubernetes rules.

kubernetes_service, kubernetes_ingress, kubernetes_config_map and kubernetes_storage_class
(each with its _v1 twin) write a Kubernetes object in the provider's snake_case block
form; kubernetes_manifest writes it in Kubernetes' own shape. Both are turned into the
object the API server would receive (tables/k8s_terraform_keys.yaml says how) and handed
to the Kubernetes builders, so one rule judges a Service however it was written. Lines
stay those of the Terraform attributes; identity (address, type, scope) is Terraform's.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from linter.adapters import collect_builders
from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.kubernetes.configmap_credentials import build_configmap
from linter.adapters.kubernetes.ingress import build_ingress as build_kubernetes_ingress
from linter.adapters.kubernetes.service import build_service as build_kubernetes_service
from linter.adapters.kubernetes.storage import build_storage_class as build_kubernetes_class
from linter.adapters.terraform import TerraformContext
from linter.models.base import Element, Field, Resource
from linter.models.k8s.configmap import ConfigMap
from linter.models.k8s.ingress import Ingress
from linter.models.k8s.service import Service
from linter.models.k8s.storage import StorageClass
from linter.resolve.terraform import ResolvedBlock
from linter.tables import load_table
from linter.values import ConfigNode

MANIFEST = "kubernetes_manifest"


class ProviderContext(KubernetesContext):
    """A Kubernetes builder's context for one Terraform resource: findings carry the
    Terraform address, type and file, and defaults are looked up by the Terraform type."""

    def __init__(self, block: ResolvedBlock) -> None:
        super().__init__(block.path, [])
        self.block = block

    def identity(self, body: ConfigNode) -> dict[str, Any]:
        return TerraformContext.identity(self.block)


@cache
def _keys() -> dict[str, Any]:
    return load_table("k8s_terraform_keys")


def kubernetes_object(block: ResolvedBlock) -> ConfigNode | None:
    """The Kubernetes object a provider resource creates, with its Terraform lines."""
    if block.type == MANIFEST:
        manifest = block.config.get("manifest")
        return manifest if isinstance(manifest, ConfigNode) else None
    created = _keys()["resources"].get(block.type)
    if created is None:
        return None
    kind = created["kind"]
    body = _translated(block.config, kind, "", "")
    body.set("apiVersion", created["apiVersion"], block.line)
    body.set("kind", kind, block.line)
    return body


def _translated(node: ConfigNode, kind: str, terraform_path: str,
                kubernetes_path: str) -> ConfigNode:
    renamed = _keys()["renamed"].get(kind, {})
    lists = set(_keys()["lists"].get(kind, ()))
    result = ConfigNode(node.line, node.end_line)
    for key, value in node.items():
        tf_path = f"{terraform_path}.{key}" if terraform_path else key
        name = renamed.get(tf_path) or _camel(key)
        k8s_path = f"{kubernetes_path}.{name}" if kubernetes_path else name
        if _is_block(value):
            items = [_translated(item, kind, tf_path, k8s_path) for item in value]
            if k8s_path in lists:
                result.set(name, items, node.line_of(key))
            elif items:
                # A single nested object: the provider allows one block (max_items = 1).
                result.set(name, items[0], node.line_of(key))
        else:
            # Scalars, lists of scalars and map attributes (annotations, data,
            # parameters) are what Kubernetes reads, keys and all.
            result.set(name, value, node.line_of(key))
    return result


def _is_block(value: Any) -> bool:
    """A nested block: the resolver gives repeated and single blocks as lists of nodes."""
    return (isinstance(value, list) and bool(value)
            and all(isinstance(item, ConfigNode) for item in value))


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _built(kubernetes_builder: Callable[..., list[Any]], block: ResolvedBlock) -> list[Any]:
    """What the Kubernetes builder makes of the object this resource creates, its
    attributes named as the Terraform resource writes them."""
    body = kubernetes_object(block)
    if body is None:
        return []
    kind = _keys()["resources"][block.type]["kind"]
    return [_renamed(model, kind) for model in kubernetes_builder(body, ProviderContext(block))]


# One segment of an attribute path: a name, then any [index] or [annotation key] parts.
_SEGMENT = re.compile(r"([^.\[]+)((?:\[[^\]]*\])*)")


def terraform_attribute(attribute: str, kind: str) -> str:
    """`spec.ports[0].targetPort` as the provider writes it: `spec.port[0].target_port`.

    Map keys (an annotation name, a ConfigMap key) stay as written.
    """
    reverse = {_kubernetes_path(path, kind): path.rsplit(".", 1)[-1]
               for path in _keys()["renamed"].get(kind, {})}
    maps = set(_keys()["maps"])
    shown, path, in_map, position = [], "", False, 0
    while position < len(attribute):
        match = _SEGMENT.match(attribute, position)
        if match is None:
            return attribute  # not a path this reads (left as the builder named it)
        name, brackets = match.groups()
        path = f"{path}.{name}" if path else name
        shown.append(name if in_map else (reverse.get(path) or _snake(name)) + brackets)
        in_map = in_map or name in maps
        position = match.end() + 1  # past the dot
    return ".".join(shown)


def _kubernetes_path(terraform_path: str, kind: str) -> str:
    renamed = _keys()["renamed"].get(kind, {})
    parts, shown = terraform_path.split("."), []
    for index in range(len(parts)):
        prefix = ".".join(parts[:index + 1])
        shown.append(renamed.get(prefix) or _camel(parts[index]))
    return ".".join(shown)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda match: "_" + match.group(1).lower(), name)


def _renamed(model: Any, kind: str) -> Any:
    """The model (or element) with every Field's attribute and element label renamed."""
    changes: dict[str, Any] = {}
    for item in dataclasses.fields(model):
        value = getattr(model, item.name)
        if isinstance(value, Field):
            changes[item.name] = dataclasses.replace(
                value, attribute=terraform_attribute(value.attribute, kind))
        elif isinstance(value, tuple) and value and isinstance(value[0], Element):
            changes[item.name] = tuple(_renamed(element, kind) for element in value)
    if isinstance(model, Element):
        changes["label"] = terraform_attribute(model.label, kind)
    return dataclasses.replace(model, **changes)


def build_service(block: ResolvedBlock, context: TerraformContext) -> list[Service]:
    return _built(build_kubernetes_service, block)


def build_ingress(block: ResolvedBlock, context: TerraformContext) -> list[Ingress]:
    return _built(build_kubernetes_ingress, block)


def build_storage_class(block: ResolvedBlock, context: TerraformContext) -> list[StorageClass]:
    return _built(build_kubernetes_class, block)


def build_config_map(block: ResolvedBlock, context: TerraformContext) -> list[ConfigMap]:
    return _built(build_configmap, block)


def build_manifest(block: ResolvedBlock, context: TerraformContext) -> list[Resource]:
    """Every model the Kubernetes builders make of the manifest's kind."""
    body = kubernetes_object(block)
    if body is None or not isinstance(body.get("kind"), str):
        return []
    provider_context = ProviderContext(block)
    builders = collect_builders("linter.adapters.kubernetes").get(body.get("kind"), ())
    return [model for builder in builders for model in builder(body, provider_context)]


BUILDERS = {
    "kubernetes_service": build_service,
    "kubernetes_service_v1": build_service,
    "kubernetes_ingress": build_ingress,
    "kubernetes_ingress_v1": build_ingress,
    "kubernetes_config_map": build_config_map,
    "kubernetes_config_map_v1": build_config_map,
    "kubernetes_storage_class": build_storage_class,
    "kubernetes_storage_class_v1": build_storage_class,
    MANIFEST: build_manifest,
}
