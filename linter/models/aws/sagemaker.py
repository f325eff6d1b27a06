"""Amazon SageMaker notebook instances and endpoint configurations."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class NotebookInstance(Resource):
    MODEL = "aws.sagemaker.NotebookInstance"

    # The KMS key that encrypts the notebook's ML storage volume; absent: an AWS-managed key.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """The storage volume is always encrypted; only the key is a choice."""
        return Field.derived(True, self.kms_key.attribute)


@dataclass(frozen=True, kw_only=True)
class EndpointConfig(Resource):
    MODEL = "aws.sagemaker.EndpointConfig"

    # The KMS key for the storage volumes of the endpoint's hosting instances; absent:
    # an AWS-managed key.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Hosting volumes are always encrypted; only the key is a choice."""
        return Field.derived(True, self.kms_key.attribute)
