"""Amazon API Gateway custom domain names (REST, HTTP and WebSocket APIs)."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class DomainName(Resource):
    """An API Gateway custom domain name: the TLS security policy its endpoint offers."""

    MODEL = "aws.apigateway.DomainName"

    # The TLS security policy name (TLS_1_0, TLS_1_2, SecurityPolicy_TLS13_...); absent
    # means the service chooses (tables/tls_policies.yaml services.apigateway.default).
    security_policy: Field
