"""kubernetes_config_map resources that configure ingress-nginx, to k8s.nginx.ControllerConfig.

A separate module from kubernetes_provider because one Terraform type builds two models
here (a ConfigMap's credential keys, and the controller settings when the ConfigMap is
the controller's), and each builder declares the one model it returns.
"""

from __future__ import annotations

from linter.adapters.kubernetes.configmap import build_controller_config
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform.kubernetes_provider import ProviderContext, kubernetes_object
from linter.models.k8s.nginx import ControllerConfig
from linter.resolve.terraform import ResolvedBlock


def build_nginx_config(block: ResolvedBlock, context: TerraformContext) -> list[ControllerConfig]:
    body = kubernetes_object(block)
    return [] if body is None else build_controller_config(body, ProviderContext(block))


BUILDERS = {
    "kubernetes_config_map": build_nginx_config,
    "kubernetes_config_map_v1": build_nginx_config,
}
