"""AWS::OpenSearchService::Domain and the legacy AWS::Elasticsearch::Domain."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, field_at
from linter.models.aws.opensearch import Domain, public_endpoint
from linter.models.base import Field
from linter.resolve.cloudformation import ResolvedResource


def build_domain(resource: ResolvedResource, context: TemplateContext) -> list[Domain]:
    def read(path: str) -> Field:
        return field_at(resource.properties, path, resource.type, attribute=f"Properties.{path}")

    return [Domain(
        **context.identity(resource),
        encrypted_at_rest=as_bool(read("EncryptionAtRestOptions.Enabled")),
        kms_key=read("EncryptionAtRestOptions.KmsKeyId"),
        node_to_node_encryption=as_bool(read("NodeToNodeEncryptionOptions.Enabled")),
        enforce_https=as_bool(read("DomainEndpointOptions.EnforceHTTPS")),
        tls_security_policy=read("DomainEndpointOptions.TLSSecurityPolicy"),
        publicly_accessible=public_endpoint(read("VPCOptions")))]


BUILDERS = {"AWS::OpenSearchService::Domain": build_domain,
            "AWS::Elasticsearch::Domain": build_domain}
