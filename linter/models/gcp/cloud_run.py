"""Cloud Run services and jobs."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Workload(Resource):
    """A Cloud Run service or job: whether a customer-managed key encrypts its image and data."""

    MODEL = "gcp.cloud_run.Workload"

    # The Cloud KMS key that encrypts the revision's container image and its data at
    # rest: template.encryption_key (v2 services), template.template.encryption_key (v2
    # jobs) or the run.googleapis.com/encryption-key annotation of the revision template
    # (v1 services). Absent: Google-managed keys.
    kms_key: Field
