"""Amazon OpenSearch Service domains (and legacy Elasticsearch Service domains)."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, FieldState, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Domain(Resource):
    """An OpenSearch domain: encryption at rest and its key, node-to-node TLS, HTTPS and its TLS
    policy, and whether its endpoint is public."""

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
    # True when the domain has a public endpoint: a domain is placed in a VPC only when
    # created with VPC options, and the choice cannot be changed afterwards.
    publicly_accessible: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.encrypted_at_rest, lambda value: value is True)


def public_endpoint(vpc_options: Field) -> Field:
    """`publicly_accessible` from the domain's VPC options, in any source format.

    Without VPC options OpenSearch Service gives the domain a public endpoint (the only
    other choice); with them the endpoint has addresses in the VPC's subnets only.
    """
    if vpc_options.state is FieldState.UNKNOWN:
        return vpc_options
    if vpc_options.state is FieldState.ABSENT:
        return Field(True, FieldState.DEFAULT, vpc_options.attribute, None,
                     "no VPC options: the domain has a public endpoint")
    return Field.derived(False, vpc_options.attribute, vpc_options.line)
