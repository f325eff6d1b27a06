"""Kubernetes Services, with the ports a cloud load balancer publishes for them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, Resource


@dataclass(frozen=True, kw_only=True)
class ServicePort(Element):
    """One spec.ports entry of a LoadBalancer Service: one listener on the load balancer."""

    # The port the load balancer listens on (spec.ports[i].port).
    port: Field
    # The port's protocol: TCP (default), UDP or SCTP.
    protocol: Field
    # What decides whether this listener speaks TLS, as a mapping: port, name, target_port,
    # ssl_certificate (bool: the ssl-cert annotation is set), ssl_ports (the ssl-ports
    # annotation text or None) and controller ("aws-load-balancer-controller" or "in-tree").
    listener: Field


@dataclass(frozen=True, kw_only=True)
class Service(Resource):
    """A Service and the cloud load balancer it gets: TLS on its listeners and to the pods,
    whether it is internal, and which client ranges it admits."""

    MODEL = "k8s.core.Service"
    ELEMENTS: ClassVar[dict[str, type]] = {"load_balancer_ports": ServicePort}

    # spec.type: ClusterIP (default), NodePort, LoadBalancer or ExternalName.
    service_type: Field
    # service.beta.kubernetes.io/aws-load-balancer-ssl-cert: ACM/IAM certificate ARN(s) the
    # AWS load balancer terminates TLS with; absent means no TLS listener at all.
    ssl_certificate: Field
    # service.beta.kubernetes.io/aws-load-balancer-ssl-ports: the ports (numbers or names,
    # comma-separated) that get TLS listeners; absent means every port.
    ssl_ports: Field
    # service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy: the ELB security
    # policy of the TLS listeners (default ELBSecurityPolicy-2016-08, which allows TLS 1.0).
    ssl_negotiation_policy: Field
    # The negotiation policy with the policy table it is looked up in, as a mapping:
    # policy (the annotation's value or default) and service ("elbv2" for NLBs,
    # "elb_classic" for the in-tree provider's Classic Load Balancer). Line and state are
    # the annotation's.
    tls_listener_policy: Field
    # service.beta.kubernetes.io/aws-load-balancer-backend-protocol: ssl/https re-encrypt to
    # the pods; tcp/http (default) send plaintext inside the VPC.
    backend_protocol: Field
    # Whether the cloud load balancer is internal (private addresses only), as the controller
    # that builds it reads the AWS, Azure and GKE annotations, as a mapping: internal (bool)
    # and detail (which annotation or default decided, and how). Defaults: internal for the
    # AWS Load Balancer Controller (v2.2.0+), internet-facing for the in-tree AWS, Azure and
    # GKE controllers. The line is the annotation's that decided.
    internal_load_balancer: Field
    # The client CIDRs the load balancer admits: spec.loadBalancerSourceRanges, else the
    # load-balancer-source-ranges annotation, else ["0.0.0.0/0"] (Kubernetes default).
    # Ranges are canonical CIDR text, so "0.0.0.0/0" and "::/0" stand for any /0.
    load_balancer_source_ranges: Field
    # The ports published by the load balancer; empty unless spec.type is LoadBalancer.
    load_balancer_ports: tuple[ServicePort, ...]
