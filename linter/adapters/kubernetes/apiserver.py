"""kube-apiserver static Pods to k8s.controlplane.APIServer (see _static_pods for flags)."""

from __future__ import annotations

from typing import Any

from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.kubernetes._static_pods import ComponentFlags, component_flags
from linter.models.k8s.control_plane import APIServer
from linter.values import ConfigNode


def build_api_server(body: ConfigNode, context: KubernetesContext) -> list[APIServer]:
    return [api_server_model(flags, context.identity(body))
            for flags in component_flags(body, "kube-apiserver")]


def api_server_model(flags: ComponentFlags, identity: dict[str, Any]) -> APIServer:
    """The model of one kube-apiserver from its flags (a static Pod's or kubeadm's)."""
    return APIServer(
        **identity,
        tls_min_version=flags.field("tls-min-version"),
        tls_cipher_suites=flags.comma_list("tls-cipher-suites"),
        encryption_provider_config=flags.field("encryption-provider-config"),
        insecure_port=flags.number("insecure-port"),
        insecure_bind_address=flags.field("insecure-bind-address"),
        etcd_servers=flags.comma_list("etcd-servers"),
        secure_port=flags.number("secure-port"),
        tls_cert_file=flags.field("tls-cert-file"),
        tls_private_key_file=flags.field("tls-private-key-file"),
        client_ca_file=flags.field("client-ca-file"),
        kubelet_https=flags.boolean("kubelet-https"),
        kubelet_client_certificate=flags.field("kubelet-client-certificate"),
        kubelet_client_key=flags.field("kubelet-client-key"),
        kubelet_certificate_authority=flags.field("kubelet-certificate-authority"),
        etcd_certfile=flags.field("etcd-certfile"),
        etcd_keyfile=flags.field("etcd-keyfile"),
        etcd_cafile=flags.field("etcd-cafile"),
    )


BUILDERS = {"Pod": build_api_server}
