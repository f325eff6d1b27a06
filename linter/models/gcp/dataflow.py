"""Dataflow jobs (classic template and Flex Template jobs)."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Job(Resource):
    """A Dataflow job: whether a customer-managed key encrypts its disks, state and temp files."""

    MODEL = "gcp.dataflow.Job"

    # The Cloud KMS key that encrypts the job's state: worker persistent disks,
    # shuffle and Streaming Engine state, and its temporary files (kms_key_name);
    # absent: Google-managed keys.
    kms_key: Field
