"""Amazon Athena workgroups."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class WorkGroup(Resource):
    """An Athena workgroup: how query results are encrypted, with which key, and if enforced."""

    MODEL = "aws.athena.WorkGroup"

    # How query results written to S3 are encrypted: SSE_S3, SSE_KMS or CSE_KMS; absent:
    # the workgroup does not require encryption (results inherit the bucket default).
    result_encryption: Field
    # True when the workgroup settings override what each client asks for; false lets a
    # client write results without encryption.
    enforce_configuration: Field
    # The KMS key for SSE_KMS and CSE_KMS results.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        return derived_switch(self.result_encryption,
                              lambda value: value in ("SSE_KMS", "CSE_KMS"))
