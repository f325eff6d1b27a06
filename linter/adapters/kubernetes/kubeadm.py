"""kubeadm ClusterConfiguration files to the control-plane models kubeadm would write.

`kubeadm init --config` turns a ClusterConfiguration into the static Pods of
kube-apiserver, etcd, kube-controller-manager and kube-scheduler: kubeadm's own flags
(certificates, client authentication, loopback binding; tables/k8s_control_plane.yaml
`kubeadm`) overlaid with each component's extraArgs. A flag neither kubeadm nor extraArgs
sets takes the binary's default, as in a static Pod. extraArgs is a map in v1beta1-v1beta3
and a list of {name, value} in v1beta4; written entries point at their own lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from linter.adapters.fields import blocks, lookup
from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.kubernetes._static_pods import ComponentFlags, Flag
from linter.adapters.kubernetes.apiserver import api_server_model
from linter.adapters.kubernetes.controller_manager import controller_manager_model
from linter.adapters.kubernetes.etcd import etcd_model
from linter.adapters.kubernetes.scheduler import scheduler_model
from linter.models.k8s.control_plane import APIServer, ControllerManager, Etcd, Scheduler
from linter.tables import load_table
from linter.values import ConfigNode

_MODELS: dict[str, Callable[[ComponentFlags, dict[str, Any]], Any]] = {
    "kube-apiserver": api_server_model,
    "etcd": etcd_model,
    "kube-controller-manager": controller_manager_model,
    "kube-scheduler": scheduler_model,
}
# etcd.external settings and the kube-apiserver flags kubeadm writes from them.
_EXTERNAL_ETCD = {"endpoints": "etcd-servers", "caFile": "etcd-cafile",
                  "certFile": "etcd-certfile", "keyFile": "etcd-keyfile"}


def build_cluster_configuration(
        body: ConfigNode, context: KubernetesContext
) -> list[APIServer | Etcd | ControllerManager | Scheduler]:
    table = load_table("k8s_control_plane")
    kubeadm = table["kubeadm"]
    if body.get("apiVersion") not in kubeadm["api_versions"]:
        return []
    pki = body.get("certificatesDir")
    pki = pki if isinstance(pki, str) and pki else kubeadm["default_certificates_dir"]
    external, _, _ = lookup(body, "etcd.external")
    identity = context.identity(body)
    # The file has no metadata: clusterName (kubeadm's default "kubernetes") names it.
    cluster = body.get("clusterName") if isinstance(body.get("clusterName"), str) else None
    cluster = cluster or "kubernetes"
    models = []
    for binary, model in _MODELS.items():
        if binary == "etcd" and isinstance(external, ConfigNode):
            continue  # kubeadm writes no etcd Pod for an external cluster
        component = table["components"][binary]
        defaults = {**(component.get("defaults") or {}),
                    **_kubeadm_defaults(kubeadm["flags"][binary], pki)}
        flags = _extra_args(body, kubeadm["extra_args"][binary])
        if binary == "kube-apiserver" and isinstance(external, ConfigNode):
            flags = {**_external_etcd_flags(external, defaults), **flags}
        shown = {**identity, "address": f"ClusterConfiguration/{cluster}/{binary}"}
        models.append(model(ComponentFlags(flags, {**component, "defaults": defaults}), shown))
    return models


def _kubeadm_defaults(flags: dict[str, Any], pki: str) -> dict[str, dict[str, Any]]:
    return {name: {"value": value.replace("{pki}", pki) if isinstance(value, str) else value,
                   "note": "written by kubeadm"}
            for name, value in flags.items()}


def _extra_args(body: ConfigNode, path: str) -> dict[str, Flag]:
    """extraArgs as flags: a map (v1beta2/3) or a list of {name, value} (v1beta4)."""
    value, _, found = lookup(body, path)
    flags: dict[str, Flag] = {}
    if isinstance(value, ConfigNode):
        for name, item in value.items():
            flags[name] = Flag(item, value.line_of(name))
    elif found and isinstance(value, list):
        parent, leaf = path.rsplit(".", 1)
        for item, _ in blocks(lookup(body, parent)[0], leaf):
            if isinstance(item.get("name"), str):
                # Repeated names are all passed; the last one wins, as on a command line.
                flags[item.get("name")] = Flag(item.get("value"), item.line_of("value"))
    return flags


def _external_etcd_flags(external: ConfigNode,
                         defaults: dict[str, dict[str, Any]]) -> dict[str, Flag]:
    """The API server's etcd flags for an external cluster: written values, and kubeadm's
    own etcd flags dropped when the setting is left out (kubeadm then writes none)."""
    flags = {}
    for setting, flag in _EXTERNAL_ETCD.items():
        defaults.pop(flag, None)
        if external.get(setting) is not None:
            flags[flag] = Flag(external.get(setting), external.line_of(setting))
    return flags


BUILDERS = {"ClusterConfiguration": build_cluster_configuration}
