"""AWS Lambda functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linter.models.base import Field, FieldState, Resource
from linter.values import Branches, ConfigNode


@dataclass(frozen=True, kw_only=True)
class Function(Resource):
    """A Lambda function: whether it has environment variables, and the key encrypting them."""

    MODEL = "aws.lambda_function.Function"

    # True when the function declares environment variables (connection strings, API
    # tokens); its line is the environment block's.
    has_environment: Field
    # The KMS key that encrypts the variables at rest; absent: the AWS-managed
    # alias/aws/lambda key.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Lambda always encrypts environment variables; only the key is a choice."""
        return self.has_environment


def environment_declared(variables: Field, attribute: str) -> Field:
    """True when at least one environment variable is declared, any format."""
    if variables.state is FieldState.UNKNOWN:
        return variables
    value = variables.value
    if isinstance(value, Branches):
        options = tuple(bool(_entries(option)) for option in value.options)
        return Field(Branches(options, value.labels), variables.state, attribute,
                     variables.line)
    return Field(bool(_entries(value)), variables.state, attribute, variables.line)


def _entries(value: Any) -> list[Any]:
    if isinstance(value, ConfigNode):
        return value.keys()
    return list(value) if isinstance(value, (dict, list)) else []
