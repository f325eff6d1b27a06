"""kube-apiserver static Pods to k8s.controlplane.APIServer (see _static_pods for flags)."""

from __future__ import annotations

from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.kubernetes._static_pods import component_flags
from linter.models.k8s.control_plane import APIServer
from linter.values import ConfigNode


def build_api_server(body: ConfigNode, context: KubernetesContext) -> list[APIServer]:
    return [APIServer(
        **context.identity(body),
        tls_min_version=flags.field("tls-min-version"),
        tls_cipher_suites=flags.comma_list("tls-cipher-suites"),
        encryption_provider_config=flags.field("encryption-provider-config"),
        insecure_port=flags.number("insecure-port"),
        etcd_servers=flags.comma_list("etcd-servers"),
    ) for flags in component_flags(body, "kube-apiserver")]


BUILDERS = {"Pod": build_api_server}
