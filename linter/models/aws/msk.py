"""Amazon MSK (managed Kafka) provisioned clusters."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, FieldState, Resource


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    """An MSK cluster: TLS from clients and between brokers, and the key of its data volumes."""

    MODEL = "aws.msk.Cluster"

    # Client-to-broker traffic: TLS (default), TLS_PLAINTEXT (both) or PLAINTEXT.
    client_broker_encryption: Field
    # TLS between brokers: true (default) or false.
    in_cluster_encryption: Field
    # The KMS key for data volumes; absent means the AWS-managed aws/kafka key.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """MSK always encrypts at rest; only the key is a choice."""
        return Field(True, FieldState.DEFAULT, "encryption_info.encryption_at_rest_kms_key_arn",
                     None, "MSK always encrypts data at rest")
