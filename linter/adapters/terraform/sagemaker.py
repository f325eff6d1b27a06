"""aws_sagemaker_notebook_instance and aws_sagemaker_endpoint_configuration."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.sagemaker import EndpointConfig, NotebookInstance
from linter.resolve.terraform import ResolvedBlock


def build_notebook(block: ResolvedBlock, context: TerraformContext) -> list[NotebookInstance]:
    return [NotebookInstance(**context.identity(block),
                             kms_key=field_at(block.config, "kms_key_id", block.type),
                             direct_internet_access=field_at(
                                 block.config, "direct_internet_access", block.type))]


def build_endpoint_config(block: ResolvedBlock,
                          context: TerraformContext) -> list[EndpointConfig]:
    return [EndpointConfig(**context.identity(block),
                           kms_key=field_at(block.config, "kms_key_arn", block.type))]


BUILDERS = {"aws_sagemaker_notebook_instance": build_notebook,
            "aws_sagemaker_endpoint_configuration": build_endpoint_config}
