"""aws_opensearch_domain and the legacy aws_elasticsearch_domain (same arguments)."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.opensearch import Domain, public_endpoint
from linter.resolve.terraform import ResolvedBlock


def build_domain(block: ResolvedBlock, context: TerraformContext) -> list[Domain]:
    config, source_type = block.config, block.type
    return [Domain(
        **context.identity(block),
        encrypted_at_rest=as_bool(field_at(config, "encrypt_at_rest.enabled", source_type)),
        kms_key=field_at(config, "encrypt_at_rest.kms_key_id", source_type),
        node_to_node_encryption=as_bool(
            field_at(config, "node_to_node_encryption.enabled", source_type)),
        enforce_https=as_bool(
            field_at(config, "domain_endpoint_options.enforce_https", source_type)),
        # Left absent when unset: the TLS checks apply the service's default policy from
        # tables/tls_policies.yaml and say so in the finding.
        tls_security_policy=field_at(config, "domain_endpoint_options.tls_security_policy",
                                     source_type),
        publicly_accessible=public_endpoint(field_at(config, "vpc_options", source_type)))]


BUILDERS = {"aws_opensearch_domain": build_domain, "aws_elasticsearch_domain": build_domain}
