"""Certificates uploaded to IAM or imported into ACM, and those in Kubernetes Secrets
managed with the Terraform kubernetes provider.

An ACM certificate that ACM issues (`domain_name` with validation) has no body here
and builds no model: ACM picks its key and signature and renews it.
"""

from __future__ import annotations

from linter.adapters.fields import field_at, value_field
from linter.adapters.pem_values import certificates_from_field
from linter.adapters.terraform import TerraformContext
from linter.models.base import Field
from linter.models.certificates import Certificate
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode


def build_uploaded_certificates(block: ResolvedBlock,
                                context: TerraformContext) -> list[Certificate]:
    identity = context.identity(block)
    body = field_at(block.config, "certificate_body", block.type)
    chain = field_at(block.config, "certificate_chain", block.type)
    return [*certificates_from_field(body, identity, leaf_presented=True),
            *certificates_from_field(chain, identity)]


def build_secret_certificates(block: ResolvedBlock,
                              context: TerraformContext) -> list[Certificate]:
    """The provider base64-encodes `data` itself, so its values are the PEM text."""
    identity = context.identity(block)
    tls_type = block.config.get("type") == "kubernetes.io/tls"
    certificates: list[Certificate] = []
    for name, field in secret_entries(block.config):
        if field.is_known:  # an unknown entry may hold anything, not only certificates
            certificates += certificates_from_field(
                field, identity, leaf_presented=tls_type and name == "tls.crt")
    return certificates


def secret_entries(config: ConfigNode) -> list[tuple[str, Field]]:
    """(key, Field) of every `data` entry; keys hold dots, so they are read by name."""
    data = config.get("data")
    if not isinstance(data, ConfigNode):
        return []
    return [(key, value_field(value, f"data[{key}]", data.line_of(key)))
            for key, value in data.items()]


BUILDERS = {
    "aws_iam_server_certificate": build_uploaded_certificates,
    "aws_acm_certificate": build_uploaded_certificates,
    "kubernetes_secret": build_secret_certificates,
    "kubernetes_secret_v1": build_secret_certificates,
}
