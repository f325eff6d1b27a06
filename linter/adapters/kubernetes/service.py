"""Service objects to k8s.core.Service, one ServicePort per load-balancer listener."""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import blocks, field_at, value_field
from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.kubernetes._exposure import (
    internal_load_balancer,
    load_balancer_source_ranges,
)
from linter.adapters.kubernetes._fields import annotation_field, annotations_table
from linter.models.base import Field, FieldState
from linter.models.k8s.service import Service, ServicePort
from linter.tables import load_table
from linter.values import ConfigNode, Unknown

IN_TREE = "in-tree"
LOAD_BALANCER_CONTROLLER = "aws-load-balancer-controller"


def build_service(body: ConfigNode, context: KubernetesContext) -> list[Service]:
    identity = context.identity(body)
    source_type = identity["source_type"]
    aws = annotations_table()["aws_load_balancer"]
    names = aws["service_annotations"]
    exposure = annotations_table()["load_balancer_exposure"]

    def annotation(name: str) -> Field:
        return annotation_field(body, names[name], source_type)

    service_type = field_at(body, "spec.type", source_type)
    ssl_certificate = annotation("ssl_certificate")
    ssl_ports = annotation("ssl_ports")
    ports: tuple[ServicePort, ...] = ()
    load_balancer_type = annotation("load_balancer_type")
    controller = _controller(body, load_balancer_type, aws)
    ssl_negotiation_policy = annotation("ssl_negotiation_policy")
    if service_type.value == "LoadBalancer":
        listener_context = {
            "ssl_certificate": ssl_certificate.state is FieldState.SET
            and bool(ssl_certificate.value),
            "ssl_ports": None if ssl_ports.value is None else str(ssl_ports.value),
            "controller": controller,
        }
        ports = tuple(_port(item, index, listener_context)
                      for index, (item, _) in enumerate(blocks(body.get("spec"), "ports")))
        ports = ports or _unknown_ports(body.get("spec"))
    return [Service(
        **identity,
        service_type=service_type,
        ssl_certificate=ssl_certificate,
        ssl_ports=ssl_ports,
        ssl_negotiation_policy=ssl_negotiation_policy,
        tls_listener_policy=_tls_listener_policy(ssl_negotiation_policy, controller,
                                                 load_balancer_type),
        backend_protocol=annotation("backend_protocol"),
        internal_load_balancer=internal_load_balancer(
            body, source_type, exposure, controller == LOAD_BALANCER_CONTROLLER),
        load_balancer_source_ranges=load_balancer_source_ranges(body, source_type, exposure),
        load_balancer_ports=ports,
    )]


def _controller(body: ConfigNode, load_balancer_type: Field, aws: dict[str, Any]) -> str:
    """Which controller builds the load balancer: they read `ssl-ports: "*"` differently."""
    spec = body.get("spec")
    load_balancer_class = spec.get("loadBalancerClass") if isinstance(spec, ConfigNode) else None
    if (load_balancer_type.value in aws["controller_load_balancer_types"]
            or load_balancer_class == aws["controller_load_balancer_class"]):
        return LOAD_BALANCER_CONTROLLER
    return IN_TREE


def _tls_listener_policy(policy: Field, controller: str, load_balancer_type: Field) -> Field:
    """The policy with the table it belongs to: NLB (elbv2) or Classic Load Balancer."""
    if policy.state is FieldState.UNKNOWN:
        return policy
    in_tree_network = load_table("k8s_control_plane")["in_tree_network_load_balancer_types"]
    network = (controller == LOAD_BALANCER_CONTROLLER
               or load_balancer_type.value in in_tree_network)
    value = {"policy": policy.value, "service": "elbv2" if network else "elb_classic"}
    return Field(value, policy.state, policy.attribute, policy.line, policy.reason)


def _unknown_ports(spec: Any) -> tuple[ServicePort, ...]:
    """One element standing for a port list nobody can know yet (a Terraform dynamic block
    over an unknown collection), so the port rules say UNKNOWN instead of nothing."""
    ports = spec.get("ports") if isinstance(spec, ConfigNode) else None
    if not isinstance(ports, Unknown):
        return ()
    line = spec.line_of("ports")
    unknown = Field(None, FieldState.UNKNOWN, "spec.ports", line, ports.reason)
    return (ServicePort(label="spec.ports", line=line, port=unknown, protocol=unknown,
                        listener=unknown),)


def _port(item: ConfigNode, index: int, listener_context: dict[str, Any]) -> ServicePort:
    label = f"spec.ports[{index}]"
    port = (value_field(item.get("port"), f"{label}.port", item.line_of("port"))
            if "port" in item else Field.absent(f"{label}.port"))
    protocol = (value_field(item.get("protocol"), f"{label}.protocol",
                            item.line_of("protocol"))
                if "protocol" in item else Field.default("TCP", f"{label}.protocol",
                                                         "Kubernetes default"))
    # The finding for a plaintext listener points at the port it publishes.
    line = item.line_of("port")
    listener = Field.derived({"port": item.get("port"), "name": item.get("name"),
                              "target_port": item.get("targetPort"), **listener_context},
                             f"{label}.port", line)
    return ServicePort(label=label, line=line, port=port, protocol=protocol, listener=listener)


BUILDERS = {"Service": build_service}
