"""Amazon CloudWatch Logs log groups."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class LogGroup(Resource):
    """A CloudWatch Logs log group: the customer-managed key of its log data, if any."""

    MODEL = "aws.logs.LogGroup"

    # The customer-managed KMS key that encrypts the log data; absent means the service's
    # own encryption, which no key policy of the practice controls.
    kms_key: Field
