"""Amazon OpenSearch Service domains (and legacy Elasticsearch Service domains)."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Domain(Resource):
    MODEL = "aws.opensearch.Domain"

    # Encryption at rest of indices, logs, swap and automated snapshots: true/false.
    encrypted_at_rest: Field
    # The KMS key for encryption at rest; absent means the AWS-managed aws/es key.
    kms_key: Field
    # TLS between the domain's nodes: true/false.
    node_to_node_encryption: Field
    # Whether the endpoint refuses plain HTTP: true/false.
    enforce_https: Field
    # Name of the endpoint's TLS security policy; absent means the service default policy.
    tls_security_policy: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.encrypted_at_rest, lambda value: value is True)
