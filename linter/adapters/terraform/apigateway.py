"""aws_api_gateway_domain_name (REST) and aws_apigatewayv2_domain_name (HTTP, WebSocket)."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.apigateway import DomainName
from linter.resolve.terraform import ResolvedBlock


def build_rest_domain(block: ResolvedBlock, context: TerraformContext) -> list[DomainName]:
    return [DomainName(**context.identity(block),
                       security_policy=field_at(block.config, "security_policy", block.type))]


def build_v2_domain(block: ResolvedBlock, context: TerraformContext) -> list[DomainName]:
    policy = field_at(block.config, "domain_name_configuration.security_policy", block.type)
    return [DomainName(**context.identity(block), security_policy=policy)]


BUILDERS = {"aws_api_gateway_domain_name": build_rest_domain,
            "aws_apigatewayv2_domain_name": build_v2_domain}
