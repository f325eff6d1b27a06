"""Cloud Functions (1st gen and 2nd gen)."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Function(Resource):
    """A Cloud Function (1st or 2nd gen): whether a customer-managed key encrypts its code."""

    MODEL = "gcp.cloud_functions.Function"

    # The Cloud KMS key that encrypts the function's source code and built image
    # (kms_key_name); absent: Google-managed keys.
    kms_key: Field
