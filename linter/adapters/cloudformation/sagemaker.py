"""AWS::SageMaker::NotebookInstance and AWS::SageMaker::EndpointConfig."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.models.aws.sagemaker import EndpointConfig, NotebookInstance
from linter.resolve.cloudformation import ResolvedResource


def build_notebook(resource: ResolvedResource,
                   context: TemplateContext) -> list[NotebookInstance]:
    return [NotebookInstance(**context.identity(resource),
                             kms_key=field_at(resource.properties, "KmsKeyId", resource.type,
                                              attribute="Properties.KmsKeyId"),
                             direct_internet_access=field_at(
                                 resource.properties, "DirectInternetAccess", resource.type,
                                 attribute="Properties.DirectInternetAccess"))]


def build_endpoint_config(resource: ResolvedResource,
                          context: TemplateContext) -> list[EndpointConfig]:
    return [EndpointConfig(**context.identity(resource),
                           kms_key=field_at(resource.properties, "KmsKeyId", resource.type,
                                            attribute="Properties.KmsKeyId"))]


BUILDERS = {"AWS::SageMaker::NotebookInstance": build_notebook,
            "AWS::SageMaker::EndpointConfig": build_endpoint_config}
