"""Ingress objects to k8s.networking.Ingress."""

from __future__ import annotations

from linter.adapters.fields import value_field
from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.kubernetes._fields import annotation_field, annotations_table, go_bool
from linter.models.base import Field, FieldState
from linter.models.k8s.ingress import Ingress
from linter.values import ConfigNode


def build_ingress(body: ConfigNode, context: KubernetesContext) -> list[Ingress]:
    identity = context.identity(body)
    source_type = identity["source_type"]
    tables = annotations_table()
    nginx = tables["ingress_nginx"]["annotations"]
    alb = tables["aws_load_balancer"]["ingress_annotations"]
    return [Ingress(
        **identity,
        tls=_tls(body.get("spec")),
        load_balancer_certificate=annotation_field(body, alb["certificate_arn"], source_type),
        ssl_redirect=go_bool(annotation_field(body, nginx["ssl_redirect"], source_type)),
        force_ssl_redirect=go_bool(annotation_field(body, nginx["force_ssl_redirect"],
                                                    source_type)),
        backend_protocol=annotation_field(body, nginx["backend_protocol"], source_type),
    )]


def _tls(spec: object) -> Field:
    if not isinstance(spec, ConfigNode) or spec.get("tls") is None:
        return Field.absent("spec.tls")
    entries = spec.get("tls")
    if isinstance(entries, list) and not entries:
        # `tls: []` is written but terminates nothing: absent, pointing at the empty list.
        return Field(None, FieldState.ABSENT, "spec.tls", spec.line_of("tls"), "empty list")
    return value_field(entries, "spec.tls", spec.line_of("tls"))


BUILDERS = {"Ingress": build_ingress}
