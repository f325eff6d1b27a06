"""AWS SAM resources (`Transform: AWS::Serverless-2016-10-31`).

The SAM transform expands each serverless resource into plain CloudFormation; the
properties judged here are passed through unchanged (SAM specification, "AWS
CloudFormation compatibility"), so each builder hands the SAM resource to the builder
of the type SAM generates and keeps the SAM type and property paths in the result:
- Function.Environment / KmsKeyArn -> AWS::Lambda::Function, same property names;
- SimpleTable.SSESpecification -> AWS::DynamoDB::Table SSESpecification;
- Api.MethodSettings -> the AWS::ApiGateway::Stage SAM generates, same property name;
- Api.Domain.SecurityPolicy -> AWS::ApiGateway::DomainName SecurityPolicy;
- HttpApi.Domain.SecurityPolicy -> AWS::ApiGatewayV2::DomainName
  DomainNameConfigurations[0].SecurityPolicy (HTTP APIs have no response cache).
AWS::Serverless::StateMachine, ::LayerVersion and ::Application hold no setting a rule
judges. `Globals` are already merged in by the resolver.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.cloudformation.apigateway_stage import build_stage
from linter.adapters.mapped import mapped_builders
from linter.models.aws.apigateway import DomainName
from linter.models.aws.apigateway_stage import StageSettings
from linter.models.aws.dynamodb import Table
from linter.models.aws.lambda_function import Function
from linter.models.base import Field, Resource
from linter.resolve.cloudformation import ResolvedResource
from linter.values import ConfigNode


def _generated(source_type: str, resource: ResolvedResource,
               context: TemplateContext) -> list[Any]:
    """The models of `resource` read as the type SAM generates (its builder and its
    defaults in tables/defaults, which are keyed by the generated type)."""
    generated = replace(resource, type=source_type)
    return [_as_sam(model, resource)
            for model in mapped_builders("cloudformation")[source_type](generated, context)]


def build_function(resource: ResolvedResource, context: TemplateContext) -> list[Function]:
    return _generated("AWS::Lambda::Function", resource, context)


def build_simple_table(resource: ResolvedResource, context: TemplateContext) -> list[Table]:
    # Same property paths as AWS::DynamoDB::Table, and the same default (AWS-owned key
    # when SSESpecification is left out).
    return _generated("AWS::DynamoDB::Table", resource, context)


def build_rest_api(resource: ResolvedResource,
                   context: TemplateContext) -> list[DomainName | StageSettings]:
    # SAM always generates a stage (StageName is required) and passes MethodSettings on.
    stage = replace(resource, type="AWS::ApiGateway::Stage")
    models: list[DomainName | StageSettings] = [
        _as_sam(model, resource) for model in build_stage(stage, context)]
    domain = _domain(resource)
    if domain is None:
        return models  # no custom domain: SAM creates no DomainName resource
    generated = replace(resource, type="AWS::ApiGateway::DomainName", properties=domain)
    build = mapped_builders("cloudformation")["AWS::ApiGateway::DomainName"]
    return models + [_as_sam(model, resource, security_policy="Properties.Domain.SecurityPolicy")
                     for model in build(generated, context)]


def build_http_api(resource: ResolvedResource, context: TemplateContext) -> list[DomainName]:
    domain = _domain(resource)
    if domain is None:
        return []
    # The v2 mapping reads DomainNameConfigurations.SecurityPolicy: SAM writes the one
    # configuration's properties directly under Domain.
    properties = ConfigNode(domain.line, domain.end_line)
    properties.set("DomainNameConfigurations", domain, domain.line)
    generated = replace(resource, type="AWS::ApiGatewayV2::DomainName", properties=properties)
    build = mapped_builders("cloudformation")["AWS::ApiGatewayV2::DomainName"]
    return [_as_sam(model, resource, security_policy="Properties.Domain.SecurityPolicy")
            for model in build(generated, context)]


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


BUILDERS = {"AWS::Serverless::Function": build_function,
            "AWS::Serverless::SimpleTable": build_simple_table,
            "AWS::Serverless::Api": build_rest_api,
            "AWS::Serverless::HttpApi": build_http_api}
