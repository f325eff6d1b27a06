"""AWS SAM resources (`Transform: AWS::Serverless-2016-10-31`).

The SAM transform expands each serverless resource into plain CloudFormation; the
properties judged here are passed through unchanged (SAM specification, "AWS
CloudFormation compatibility"), so each builder hands the SAM resource to the builder
of the type SAM generates and keeps the SAM type and property paths in the result:
- SimpleTable.SSESpecification -> AWS::DynamoDB::Table SSESpecification;
- Api.Domain.SecurityPolicy -> AWS::ApiGateway::DomainName SecurityPolicy;
- HttpApi.Domain.SecurityPolicy -> AWS::ApiGatewayV2::DomainName
  DomainNameConfigurations[0].SecurityPolicy.
`Globals` are already merged in by the resolver.

AWS::Serverless::Function is not mapped: no model covers Lambda functions yet.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.cloudformation.apigateway import build_rest_domain, build_v2_domain
from linter.adapters.cloudformation.dynamodb import build_table
from linter.models.aws.apigateway import DomainName
from linter.models.aws.dynamodb import Table
from linter.models.base import Field, Resource
from linter.resolve.cloudformation import ResolvedResource
from linter.values import ConfigNode


def build_simple_table(resource: ResolvedResource, context: TemplateContext) -> list[Table]:
    # Same property paths as AWS::DynamoDB::Table, and the same default (AWS-owned key
    # when SSESpecification is left out), which tables/defaults keys by the generated type.
    generated = replace(resource, type="AWS::DynamoDB::Table")
    return [_as_sam(model, resource) for model in build_table(generated, context)]


def build_rest_api(resource: ResolvedResource, context: TemplateContext) -> list[DomainName]:
    domain = _domain(resource)
    if domain is None:
        return []  # no custom domain: SAM creates no DomainName resource
    generated = replace(resource, type="AWS::ApiGateway::DomainName", properties=domain)
    return [_as_sam(model, resource, security_policy="Properties.Domain.SecurityPolicy")
            for model in build_rest_domain(generated, context)]


def build_http_api(resource: ResolvedResource, context: TemplateContext) -> list[DomainName]:
    domain = _domain(resource)
    if domain is None:
        return []
    # The v2 builder reads DomainNameConfigurations.SecurityPolicy: SAM writes the one
    # configuration's properties directly under Domain.
    properties = ConfigNode(domain.line, domain.end_line)
    properties.set("DomainNameConfigurations", domain, domain.line)
    generated = replace(resource, type="AWS::ApiGatewayV2::DomainName", properties=properties)
    return [_as_sam(model, resource, security_policy="Properties.Domain.SecurityPolicy")
            for model in build_v2_domain(generated, context)]


def _domain(resource: ResolvedResource) -> ConfigNode | None:
    domain = resource.properties.get("Domain")
    return domain if isinstance(domain, ConfigNode) else None


def _as_sam(model: Any, resource: ResolvedResource, **attributes: str) -> Any:
    """The generated type's model, shown as the SAM resource with SAM property paths."""
    renamed: dict[str, Field] = {}
    for name, attribute in attributes.items():
        field = getattr(model, name)
        renamed[name] = replace(field, attribute=attribute)
    sam_model: Resource = replace(model, source_type=resource.type, **renamed)
    return sam_model


BUILDERS = {"AWS::Serverless::SimpleTable": build_simple_table,
            "AWS::Serverless::Api": build_rest_api,
            "AWS::Serverless::HttpApi": build_http_api}
