"""kube-scheduler static Pods to k8s.controlplane.Scheduler."""

from __future__ import annotations

from typing import Any

from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.kubernetes._static_pods import ComponentFlags, component_flags
from linter.models.k8s.control_plane import Scheduler
from linter.values import ConfigNode


def build_scheduler(body: ConfigNode, context: KubernetesContext) -> list[Scheduler]:
    return [scheduler_model(flags, context.identity(body))
            for flags in component_flags(body, "kube-scheduler")]


def scheduler_model(flags: ComponentFlags, identity: dict[str, Any]) -> Scheduler:
    """The model of one kube-scheduler from its flags (a static Pod's or kubeadm's)."""
    return Scheduler(
        **identity,
        master=flags.comma_list("master"),
        bind_address=flags.field("bind-address"),
        secure_port=flags.number("secure-port"),
        insecure_port=flags.number("port"),
        insecure_bind_address=flags.field("address"),
        tls_cipher_suites=flags.comma_list("tls-cipher-suites"),
    )


BUILDERS = {"Pod": build_scheduler}
