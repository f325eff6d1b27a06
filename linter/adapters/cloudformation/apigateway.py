"""AWS::ApiGateway::DomainName (REST) and AWS::ApiGatewayV2::DomainName (HTTP, WebSocket)."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.apigateway import DomainName
from linter.resolve.cloudformation import ResolvedResource


def build_rest_domain(resource: ResolvedResource, context: TemplateContext) -> list[DomainName]:
    policy = field_at(resource.properties, "SecurityPolicy", resource.type,
                      attribute="Properties.SecurityPolicy")
    return [DomainName(**context.identity(resource), security_policy=policy)]


def build_v2_domain(resource: ResolvedResource, context: TemplateContext) -> list[DomainName]:
    # A domain holds one configuration per endpoint; in practice there is exactly one.
    path = "DomainNameConfigurations.SecurityPolicy"
    policy = field_at(resource.properties, path, resource.type, attribute=f"Properties.{path}")
    return [DomainName(**context.identity(resource), security_policy=policy)]


BUILDERS = {"AWS::ApiGateway::DomainName": build_rest_domain,
            "AWS::ApiGatewayV2::DomainName": build_v2_domain}
