"""Cloud Healthcare API datasets (the containers of FHIR, HL7v2 and DICOM stores)."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Dataset(Resource):
    """A Cloud Healthcare dataset: whether a customer-managed key encrypts its stores."""

    MODEL = "gcp.healthcare.Dataset"

    # The Cloud KMS key that encrypts every store of the dataset
    # (encryption_spec.kms_key_name); absent: Google-managed keys. Set only at creation.
    kms_key: Field
