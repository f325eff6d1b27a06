"""kube-scheduler static Pods to k8s.controlplane.Scheduler."""

from __future__ import annotations

from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.kubernetes._static_pods import component_flags
from linter.models.k8s.control_plane import Scheduler
from linter.values import ConfigNode


def build_scheduler(body: ConfigNode, context: KubernetesContext) -> list[Scheduler]:
    return [Scheduler(
        **context.identity(body),
        master=flags.comma_list("master"),
        bind_address=flags.field("bind-address"),
        secure_port=flags.number("secure-port"),
        insecure_port=flags.number("port"),
        insecure_bind_address=flags.field("address"),
        tls_cipher_suites=flags.comma_list("tls-cipher-suites"),
    ) for flags in component_flags(body, "kube-scheduler")]


BUILDERS = {"Pod": build_scheduler}
