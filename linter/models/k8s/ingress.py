"""Kubernetes Ingresses: how HTTP(S) reaches the practice's applications from outside."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Ingress(Resource):
    """An Ingress: whether it serves TLS (spec.tls or an ALB certificate), redirects HTTP to
    HTTPS, and speaks TLS to its backends."""

    MODEL = "k8s.networking.Ingress"

    # The spec.tls entries (hosts and certificate secret) as a list; absent when spec.tls is
    # missing or an empty list (then nothing on this Ingress is served over TLS).
    tls: Field
    # ACM certificate ARN(s) of the AWS Load Balancer Controller annotation
    # alb.ingress.kubernetes.io/certificate-arn: the ALB terminates TLS instead of spec.tls.
    load_balancer_certificate: Field
    # ingress-nginx ssl-redirect annotation as a boolean: false stops the 308 redirect from
    # HTTP to HTTPS. Defaults to true (the controller ConfigMap's default).
    ssl_redirect: Field
    # ingress-nginx force-ssl-redirect annotation: true redirects even without spec.tls
    # (TLS terminated in front of the controller). Defaults to false.
    force_ssl_redirect: Field
    # ingress-nginx backend-protocol annotation: HTTP (default), HTTPS, GRPC, GRPCS, AJP.
    backend_protocol: Field
