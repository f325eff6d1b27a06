"""Certificates in Kubernetes Secrets (base64 `data`, plain `stringData`) and ConfigMaps.

A `kubernetes.io/tls` Secret's `tls.crt` starts with the certificate the Ingress or
workload presents to clients; the certificates after it, and those under other keys
(`ca.crt`, a ConfigMap's CA bundle), form chains and trust stores.
"""

from __future__ import annotations

import base64
import binascii

from linter.adapters.fields import value_field
from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.pem_values import certificates_from_field
from linter.models.base import Field
from linter.models.certificates import Certificate
from linter.values import ConfigNode

TLS_SECRET_TYPE = "kubernetes.io/tls"


def build_secret_certificates(body: ConfigNode,
                              context: KubernetesContext) -> list[Certificate]:
    identity = context.identity(body)
    tls_type = body.get("type") == TLS_SECRET_TYPE
    return [certificate
            for key, field in text_entries(body)
            for certificate in certificates_from_field(
                field, identity, leaf_presented=tls_type and key == "tls.crt")]


def text_entries(body: ConfigNode) -> list[tuple[str, Field]]:
    """(key, Field with the entry's text) of `data` (base64-decoded) and `stringData`.

    Keys hold dots (`tls.crt`), so they are read by name and shown as `data[tls.crt]`.
    ConfigMap `data` is plain text; Secret `data` is base64. Unknown or undecodable
    entries are skipped: they cannot hold PEM text that anyone reads from this file.
    """
    entries: list[tuple[str, Field]] = []
    encoded = body.get("kind") == "Secret"
    for section, is_base64 in (("data", encoded), ("stringData", False)):
        node = body.get(section)
        if not isinstance(node, ConfigNode):
            continue
        for key, value in node.items():
            if not isinstance(value, str):
                continue
            text = _decoded(value) if is_base64 else value
            if text is not None:
                entries.append((key, value_field(text, f"{section}[{key}]", node.line_of(key))))
    return entries


def _decoded(value: str) -> str | None:
    try:
        return base64.b64decode("".join(value.split()), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


BUILDERS = {"Secret": build_secret_certificates, "ConfigMap": build_secret_certificates}
