"""etcd static Pods to k8s.controlplane.Etcd (see _static_pods for flags)."""

from __future__ import annotations

from typing import Any

from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.kubernetes._static_pods import ComponentFlags, component_flags
from linter.models.k8s.control_plane import Etcd
from linter.values import ConfigNode


def build_etcd(body: ConfigNode, context: KubernetesContext) -> list[Etcd]:
    return [etcd_model(flags, context.identity(body))
            for flags in component_flags(body, "etcd")]


def etcd_model(flags: ComponentFlags, identity: dict[str, Any]) -> Etcd:
    """The model of one etcd from its flags (a static Pod's or kubeadm's)."""
    return Etcd(
        **identity,
        cert_file=flags.field("cert-file"),
        key_file=flags.field("key-file"),
        client_cert_auth=flags.boolean("client-cert-auth"),
        peer_client_cert_auth=flags.boolean("peer-client-cert-auth"),
        auto_tls=flags.boolean("auto-tls"),
        peer_auto_tls=flags.boolean("peer-auto-tls"),
        listen_client_urls=flags.comma_list("listen-client-urls"),
        peer_cert_file=flags.field("peer-cert-file"),
        peer_key_file=flags.field("peer-key-file"),
        tls_cipher_suites=flags.comma_list("cipher-suites"),
    )


BUILDERS = {"Pod": build_etcd}
