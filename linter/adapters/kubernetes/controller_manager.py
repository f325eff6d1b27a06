"""kube-controller-manager static Pods to k8s.controlplane.ControllerManager."""

from __future__ import annotations

from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.kubernetes._static_pods import component_flags
from linter.models.k8s.control_plane import ControllerManager
from linter.values import ConfigNode


def build_controller_manager(body: ConfigNode,
                             context: KubernetesContext) -> list[ControllerManager]:
    return [ControllerManager(
        **context.identity(body),
        master=flags.comma_list("master"),
        use_service_account_credentials=flags.boolean("use-service-account-credentials"),
        root_ca_file=flags.field("root-ca-file"),
        bind_address=flags.field("bind-address"),
        secure_port=flags.number("secure-port"),
        insecure_port=flags.number("port"),
        insecure_bind_address=flags.field("address"),
        tls_cipher_suites=flags.comma_list("tls-cipher-suites"),
    ) for flags in component_flags(body, "kube-controller-manager")]


BUILDERS = {"Pod": build_controller_manager}
