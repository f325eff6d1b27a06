"""kube-controller-manager static Pods to k8s.controlplane.ControllerManager."""

from __future__ import annotations

from typing import Any

from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.kubernetes._static_pods import ComponentFlags, component_flags
from linter.models.k8s.control_plane import ControllerManager
from linter.values import ConfigNode


def build_controller_manager(body: ConfigNode,
                             context: KubernetesContext) -> list[ControllerManager]:
    return [controller_manager_model(flags, context.identity(body))
            for flags in component_flags(body, "kube-controller-manager")]


def controller_manager_model(flags: ComponentFlags, identity: dict[str, Any]) -> ControllerManager:
    """The model of one kube-controller-manager from its flags (a static Pod's or kubeadm's)."""
    return ControllerManager(
        **identity,
        master=flags.comma_list("master"),
        use_service_account_credentials=flags.boolean("use-service-account-credentials"),
        root_ca_file=flags.field("root-ca-file"),
        bind_address=flags.field("bind-address"),
        secure_port=flags.number("secure-port"),
        insecure_port=flags.number("port"),
        insecure_bind_address=flags.field("address"),
        tls_cipher_suites=flags.comma_list("tls-cipher-suites"),
    )


BUILDERS = {"Pod": build_controller_manager}
