"""Terraform state: a `terraform.tfstate` file (format version 4) or the state form of
`terraform show -json`, read as data only.

The state says what Terraform created, with every value resolved (ARNs, key ids), so
`ephi-lint aws --terraform-state FILE` can match each live resource to the resource
instance that declares it and compare them (linter.live.drift). The state is turned into
the shape of a plan's `planned_values` (linter.parsers.tfplan), so the Terraform
adapters build the same models from it as from a plan, each at its line in the state.

Safety: the file is parsed as JSON (the line-marking loader), never evaluated; values
Terraform marks sensitive (passwords, private keys) are dropped before any model sees
them, so no output can show them; a document of another kind is a clear error.
See https://developer.hashicorp.com/terraform/internals/json-format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from linter.parsers.tfplan import TerraformPlan
from linter.parsers.yaml_source import DocumentError, load_documents
from linter.values import ConfigNode

STATE_VERSION = 4  # terraform.tfstate since Terraform 0.12
# A state above this size is read anyway, but this bounds a mistaken file (a plan binary).
MAX_STATE_BYTES = 512 * 1024 * 1024
# Attributes whose name alone says they hold an identity a live ARN can be matched on.
IDENTITY_ATTRIBUTES = ("arn", "id", "bucket", "identifier", "name", "cluster_identifier")


class StateError(ValueError):
    """A state file that cannot be used; the message is the reason shown to the user."""


@dataclass(frozen=True)
class StateInstance:
    """One managed resource instance of the state, and what identifies it live."""

    address: str  # `module.db.aws_db_instance.main[0]`
    resource_type: str
    line: int  # its line in the state file
    identities: dict[str, str] = field(default_factory=dict)  # arn, id, bucket... as strings


@dataclass
class TerraformState:
    """A Terraform state: its instances, and the same as a plan for the adapters."""

    path: str  # display path
    plan: TerraformPlan  # the instances as a plan's planned_values, for the adapters
    instances: list[StateInstance]


def parse_state(text: str, path: str) -> TerraformState:
    """A raw state (v4) or `terraform show -json` state output; StateError otherwise."""
    if len(text) > MAX_STATE_BYTES:
        raise StateError(f"larger than {MAX_STATE_BYTES // (1024 * 1024)} MiB")
    try:
        json.loads(text)  # strict JSON first: the line-marking loader is YAML-lenient
        documents = load_documents(text, json_mode=True)
    except (ValueError, DocumentError) as error:
        raise StateError(f"not JSON: {error}") from None
    if len(documents) != 1 or not isinstance(documents[0], ConfigNode):
        raise StateError("a Terraform state is one JSON object")
    document = documents[0]
    if "planned_values" in document or "resource_changes" in document:
        raise StateError("this is a Terraform plan, not a state: scan it with `ephi-lint "
                         "scan`, or give `terraform show -json` (no plan file) or the "
                         "terraform.tfstate file")
    if isinstance(document.get("values"), ConfigNode) or (
            "format_version" in document and "resources" not in document):
        return _shown_state(document, path)
    if "resources" in document:
        return _raw_state(document, path)
    raise StateError("not a Terraform state: expected `resources` (terraform.tfstate) or "
                     "`values.root_module` (terraform show -json)")


def _raw_state(document: ConfigNode, path: str) -> TerraformState:
    version = document.get("version")
    if version != STATE_VERSION:
        raise StateError(f"state format version {version!r} is not supported (supported: "
                         f"{STATE_VERSION}, written by Terraform 0.12 and later)")
    resources = document.get("resources")
    if not isinstance(resources, list):
        raise StateError("`resources` is not a list")
    modules: dict[str, list[ConfigNode]] = {}
    instances: list[StateInstance] = []
    for resource in resources:
        if not isinstance(resource, ConfigNode) or resource.get("mode") != "managed":
            continue
        resource_type, name = resource.get("type"), resource.get("name")
        if not isinstance(resource_type, str) or not isinstance(name, str):
            continue
        module = resource.get("module") if isinstance(resource.get("module"), str) else ""
        for instance in _list(resource.get("instances")):
            attributes = instance.get("attributes")
            if not isinstance(attributes, ConfigNode):
                continue
            index = instance.get("index_key")
            local = f"{resource_type}.{name}{_index_text(index)}"
            address = f"{module}.{local}" if module else local
            values = _without_sensitive(attributes, _sensitive_names(
                instance.get("sensitive_attributes")))
            node = ConfigNode(instance.line, instance.end_line)
            for key, value in (("address", address), ("mode", "managed"),
                               ("type", resource_type), ("name", name)):
                node.set(key, value, instance.line)
            if index is not None:
                node.set("index", index, instance.line)
            node.set("values", values, attributes.line)
            modules.setdefault(module, []).append(node)
            instances.append(_instance(address, resource_type, instance.line, values))
    root = ConfigNode(document.line, document.end_line)
    root.set("resources", modules.pop("", []), document.line)
    children = []
    for module, nodes in sorted(modules.items()):
        child = ConfigNode(document.line, document.end_line)
        child.set("address", module, document.line)
        child.set("resources", nodes, document.line)
        children.append(child)
    root.set("child_modules", children, document.line)
    version_text = document.get("terraform_version")
    return TerraformState(path, _plan(root, path, document, version_text), instances)


def _shown_state(document: ConfigNode, path: str) -> TerraformState:
    values = document.get("values")
    if values is None:  # `terraform show -json` of an empty state
        values = ConfigNode(document.line, document.end_line)
    root = values.get("root_module") if isinstance(values, ConfigNode) else None
    if not isinstance(root, ConfigNode):
        raise StateError("`values.root_module` is not an object")
    instances: list[StateInstance] = []
    _collect_shown(root, instances)
    return TerraformState(path, _plan(root, path, document, document.get("terraform_version")),
                          instances)


def _collect_shown(module: ConfigNode, instances: list[StateInstance]) -> None:
    kept = []
    for resource in _list(module.get("resources")):
        address, resource_type = resource.get("address"), resource.get("type")
        values = resource.get("values")
        if resource.get("mode") != "managed" or not isinstance(address, str) \
                or not isinstance(resource_type, str) or not isinstance(values, ConfigNode):
            continue
        sensitive = resource.get("sensitive_values")
        names = {key for key, flag in sensitive.items() if flag is True} \
            if isinstance(sensitive, ConfigNode) else set()
        cleaned = _without_sensitive(values, names)
        resource.set("values", cleaned, values.line)
        kept.append(resource)
        instances.append(_instance(address, resource_type, resource.line, cleaned))
    module.set("resources", kept, module.line)
    for child in _list(module.get("child_modules")):
        _collect_shown(child, instances)


def _plan(root: ConfigNode, path: str, document: ConfigNode, version: Any) -> TerraformPlan:
    """The instances as a plan document: what linter.resolve.tfplan.PlanResolver reads."""
    planned = ConfigNode(document.line, document.end_line)
    planned.set("root_module", root, root.line)
    plan = ConfigNode(document.line, document.end_line)
    plan.set("format_version", "1.0", document.line)
    plan.set("planned_values", planned, root.line)
    return TerraformPlan(path, plan, version if isinstance(version, str) else "")


def _instance(address: str, resource_type: str, line: int, values: ConfigNode) -> StateInstance:
    identities = {key: str(values.get(key)) for key in IDENTITY_ATTRIBUTES
                  if isinstance(values.get(key), (str, int)) and str(values.get(key))}
    return StateInstance(address, resource_type, line, identities)


def _sensitive_names(paths: Any) -> set[str]:
    """Top-level attribute names of a v4 instance's `sensitive_attributes` paths
    ([[{"type": "get_attr", "value": "password"}], ...])."""
    names = set()
    for steps in _plain_list(paths):
        first = steps[0] if isinstance(steps, list) and steps else None
        value = first.get("value") if isinstance(first, ConfigNode) else None
        if isinstance(value, str):
            names.add(value)
    return names


def _without_sensitive(values: ConfigNode, names: set[str]) -> ConfigNode:
    """The attributes less the sensitive ones and those that hold a secret by name."""
    cleaned = ConfigNode(values.line, values.end_line)
    for key, value in values.items():
        if key in names or key in ("password", "master_password", "secret_string"):
            continue
        cleaned.set(key, value, values.lines.get(key, values.line))
    return cleaned


def _list(value: Any) -> list[ConfigNode]:
    return [item for item in value if isinstance(item, ConfigNode)] \
        if isinstance(value, list) else []


def _plain_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _index_text(index: Any) -> str:
    if index is None:
        return ""
    if isinstance(index, int) and not isinstance(index, bool):
        return f"[{index}]"
    return f"[{json.dumps(str(index))}]"
