"""The ingress-nginx controller ConfigMap to k8s.nginx.ControllerConfig.

Other ConfigMaps hold application settings and build no model.
"""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import field_at
from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.kubernetes._fields import annotations_table, go_bool, metadata_value
from linter.models.base import Field
from linter.models.k8s.nginx import ControllerConfig
from linter.values import ConfigNode


def build_controller_config(body: ConfigNode,
                            context: KubernetesContext) -> list[ControllerConfig]:
    nginx = annotations_table()["ingress_nginx"]
    if not is_controller_configmap(body, nginx["controller_configmap"]):
        return []
    identity = context.identity(body)
    source_type = identity["source_type"]
    keys = nginx["configmap_keys"]

    def setting(name: str) -> Field:
        return field_at(body, f"data.{keys[name]}", source_type)

    return [ControllerConfig(
        **identity,
        ssl_protocols=_tokens(setting("ssl_protocols")),
        ssl_ciphers=setting("ssl_ciphers"),
        ssl_redirect=go_bool(setting("ssl_redirect")),
        force_ssl_redirect=go_bool(setting("force_ssl_redirect")),
    )]


def is_controller_configmap(body: ConfigNode, recognition: dict[str, Any]) -> bool:
    """The recognition rule documented in linter/models/k8s/nginx.py."""
    name = str(metadata_value(body, "name") or "")
    if any(name.endswith(suffix) for suffix in recognition["excluded_name_suffixes"]):
        return False
    if name in recognition["names"]:
        return True
    if any(name.endswith(suffix) for suffix in recognition["name_suffixes"]):
        return True
    labels = metadata_value(body, "labels")
    if not isinstance(labels, ConfigNode):
        return False
    return all(labels.get(key) == value for key, value in recognition["labels"].items())


def _tokens(field: Field) -> Field:
    """nginx's ssl_protocols takes space-separated protocol names."""
    if isinstance(field.value, str):
        return Field(field.value.split(), field.state, field.attribute, field.line,
                     field.reason)
    return field


BUILDERS = {"ConfigMap": build_controller_config}
