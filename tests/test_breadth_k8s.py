"""Kubernetes breadth: the Terraform kubernetes provider read as Kubernetes objects, kubeadm
ClusterConfiguration read as the static Pods kubeadm writes, and hyperkube static Pods."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from linter.adapters import collect_builders
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform.kubernetes_provider import BUILDERS as PROVIDER_BUILDERS
from linter.conditions import Status
from linter.engine import Evaluator, catalogue_directory, load_rules
from linter.models.base import FieldState
from linter.pipeline import ScanRequest, scan
from linter.resolve.terraform import ResolvedBlock
from linter.tables import load_table, service_defaults
from linter.values import ConfigNode
from tests.test_adapter_values import WRONG_KINDS, _Everything

RULES = load_rules([catalogue_directory("rules")])


def _models(tmp_path: Path, name: str, text: str) -> list[Any]:
    (tmp_path / name).write_text(text)
    # Outcomes keep their model only when asked (and such a result is never stored).
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, workers=1, rules=RULES,
                              keep_models=True))
    assert not result.errors, [problem.reason for problem in result.errors]
    # Every model is judged by some rule, so the outcomes name every model built.
    models: dict[int, Any] = {}
    for outcome in result.outcomes:
        models.setdefault(id(outcome.resource), outcome.resource)
    return list(models.values())


def _outcomes(tmp_path: Path, name: str, text: str, rule_id: str) -> list[tuple[str, int, str]]:
    (tmp_path / name).write_text(text)
    rules = [rule for rule in RULES if rule.id == rule_id]
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, workers=1, rules=rules))
    assert not result.errors, [problem.reason for problem in result.errors]
    return sorted((o.status.value, o.location.start_line, o.resource.address)
                  for o in result.outcomes)


SERVICE_TF = '''resource "kubernetes_service_v1" "portal" {
  metadata {
    name = "portal"
    annotations = {
      "service.beta.kubernetes.io/aws-load-balancer-ssl-cert" = "arn:aws:acm:eu-west-1:1:c/a"
    }
  }
  spec {
    type                        = "LoadBalancer"
    load_balancer_source_ranges = ["10.0.0.0/8"]
    port {
      port        = 443
      target_port = 8443
    }
  }
}
'''


def test_a_provider_service_is_the_kubernetes_service_with_terraform_lines(
        tmp_path: Path) -> None:
    [service] = [model for model in _models(tmp_path, "main.tf", SERVICE_TF)
                 if model.MODEL == "k8s.core.Service"]
    assert (service.address, service.source_type, service.source_format) == (
        "kubernetes_service_v1.portal", "kubernetes_service_v1", "terraform")
    assert service.service_type.value == "LoadBalancer"
    assert service.service_type.line == 9
    # Annotation keys are read as written, not camel-cased.
    assert service.ssl_certificate.state is FieldState.SET
    assert service.ssl_certificate.line == 5
    assert service.load_balancer_source_ranges.value == ["10.0.0.0/8"]
    assert service.load_balancer_source_ranges.line == 10
    # Attributes are named as the Terraform resource writes them.
    assert service.load_balancer_source_ranges.attribute == "spec.load_balancer_source_ranges"
    [port] = service.load_balancer_ports
    assert (port.label, port.port.attribute) == ("spec.port[0]", "spec.port[0].port")
    assert (port.port.value, port.port.line) == (443, 12)
    assert port.listener.value["target_port"] == 8443


def test_provider_defaults_are_the_kubernetes_defaults() -> None:
    port = ConfigNode(4)
    port.set("port", 80, 4)
    spec = ConfigNode(3)
    spec.set("port", [port], 4)
    config = ConfigNode(1, 6)
    config.set("spec", [spec], 3)
    block = ResolvedBlock("resource", "kubernetes_service", "internal", "main.tf", 1, 6,
                          config, ".")
    [service] = PROVIDER_BUILDERS["kubernetes_service"](block, TerraformContext([block]))
    assert (service.service_type.value, service.service_type.state) == (
        "ClusterIP", FieldState.DEFAULT)
    assert service.load_balancer_ports == ()


def test_a_manifest_builds_the_models_of_its_kind(tmp_path: Path) -> None:
    text = '''resource "kubernetes_manifest" "ehr" {
  manifest = {
    apiVersion  = "storage.k8s.io/v1"
    kind        = "StorageClass"
    metadata    = { name = "ehr" }
    provisioner = "ebs.csi.aws.com"
    parameters  = { encrypted = "false" }
  }
}
'''
    assert _outcomes(tmp_path, "main.tf", text, "ENC-015") == [
        ("fail", 7, "kubernetes_manifest.ehr")]


def test_a_manifest_value_from_an_unset_variable_is_unknown(tmp_path: Path) -> None:
    text = '''variable "ranges" { type = list(string) }
resource "kubernetes_service_v1" "portal" {
  metadata { name = "portal" }
  spec {
    type                        = "LoadBalancer"
    load_balancer_source_ranges = var.ranges
    port { port = 443 }
  }
}
'''
    assert _outcomes(tmp_path, "main.tf", text, "NET-010") == [
        ("unknown", 6, "kubernetes_service_v1.portal")]


def test_every_provider_type_in_the_key_table_has_a_builder_and_defaults() -> None:
    table = load_table("k8s_terraform_keys")
    defaults = service_defaults()
    for source_type in table["resources"]:
        assert source_type in PROVIDER_BUILDERS
        assert source_type in defaults, source_type
    assert "kubernetes_manifest" in defaults


@pytest.mark.parametrize("kind", WRONG_KINDS)
def test_provider_builders_survive_values_of_the_wrong_type(kind: str) -> None:
    builders = {source_type: builders
                for source_type, builders in collect_builders("linter.adapters.terraform").items()
                if source_type.startswith("kubernetes_")}
    blocks = [ResolvedBlock("resource", source_type, "wrong", "main.tf", 1, 2,
                            _Everything(kind), ".") for source_type in builders]
    context = TerraformContext(blocks)
    models = [model for block in blocks for builder in builders[block.type]
              for model in builder(block, context)]
    errors = [outcome.message for outcome in Evaluator(RULES).evaluate(models)
              if outcome.status is Status.ERROR]
    assert errors == []


def test_hyperkube_static_pods_are_read_as_their_component(tmp_path: Path) -> None:
    text = '''apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
    - name: kube-apiserver
      image: gcr.io/google_containers/hyperkube-amd64:v1.10.13
      command:
        - /hyperkube
        - apiserver
        - --kubelet-https=false
'''
    assert _outcomes(tmp_path, "apiserver.yaml", text, "TLS-300") == [
        ("fail", 13, "Pod/kube-system/kube-apiserver")]


def test_kubeadm_extra_args_override_what_kubeadm_writes(tmp_path: Path) -> None:
    text = '''apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
clusterName: derm
controllerManager:
  extraArgs:
    - name: bind-address
      value: 0.0.0.0
'''
    assert _outcomes(tmp_path, "kubeadm.yaml", text, "NET-300") == [
        ("fail", 7, "ClusterConfiguration/derm/kube-controller-manager"),
        ("pass", 1, "ClusterConfiguration/derm/kube-scheduler")]


def test_kubeadm_external_etcd_builds_no_etcd_and_feeds_the_api_server(tmp_path: Path) -> None:
    text = '''apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
etcd:
  external:
    endpoints: [https://etcd-0.internal:2379]
    caFile: /etc/etcd/ca.pem
'''
    models = _models(tmp_path, "kubeadm.yaml", text)
    assert not [model for model in models if model.MODEL == "k8s.controlplane.Etcd"]
    [api_server] = [model for model in models if model.MODEL == "k8s.controlplane.APIServer"]
    assert (api_server.etcd_cafile.value, api_server.etcd_cafile.line) == ("/etc/etcd/ca.pem", 6)
    # Without certFile/keyFile kubeadm writes no --etcd-certfile: absent, not kubeadm's path.
    assert api_server.etcd_certfile.state is FieldState.ABSENT
    assert api_server.etcd_servers.value == ["https://etcd-0.internal:2379"]
