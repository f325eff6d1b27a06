"""Certificates uploaded with AWS::IAM::ServerCertificate (body and chain).

AWS::CertificateManager::Certificate cannot import a certificate (it only requests
ACM-issued ones), so it carries no PEM text.
"""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.adapters.pem_values import certificates_from_field
from linter.models.certificates import Certificate
from linter.resolve.cloudformation import ResolvedResource


def build_server_certificate(resource: ResolvedResource,
                             context: TemplateContext) -> list[Certificate]:
    identity = context.identity(resource)
    body = field_at(resource.properties, "CertificateBody", resource.type,
                    attribute="Properties.CertificateBody")
    chain = field_at(resource.properties, "CertificateChain", resource.type,
                     attribute="Properties.CertificateChain")
    return [*certificates_from_field(body, identity, leaf_presented=True),
            *certificates_from_field(chain, identity)]


BUILDERS = {"AWS::IAM::ServerCertificate": build_server_certificate}
