"""Amazon SageMaker notebook instances and endpoint configurations."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class NotebookInstance(Resource):
    """A SageMaker notebook instance: the key of its volume and its direct internet access."""

    MODEL = "aws.sagemaker.NotebookInstance"

    # The KMS key that encrypts the notebook's ML storage volume; absent: an AWS-managed key.
    kms_key: Field
    # Enabled (the service default) or Disabled: with Enabled, SageMaker gives the notebook
    # its own route to the internet, outside the practice's VPC and its controls.
    direct_internet_access: Field

    @property
    def encryption_enabled(self) -> Field:
        """The storage volume is always encrypted; only the key is a choice."""
        return Field.derived(True, self.kms_key.attribute)

    @property
    def publicly_accessible(self) -> Field:
        """True when the notebook reaches (and is reached through) the internet directly."""
        return derived_switch(self.direct_internet_access,
                              lambda value: str(value).lower() != "disabled")


@dataclass(frozen=True, kw_only=True)
class EndpointConfig(Resource):
    """A SageMaker endpoint configuration: the key of its hosting instances' volumes."""

    MODEL = "aws.sagemaker.EndpointConfig"

    # The KMS key for the storage volumes of the endpoint's hosting instances; absent:
    # an AWS-managed key.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Hosting volumes are always encrypted; only the key is a choice."""
        return Field.derived(True, self.kms_key.attribute)
