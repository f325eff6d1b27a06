"""AWS CloudTrail trails."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Trail(Resource):
    MODEL = "aws.cloudtrail.Trail"

    # The KMS key that encrypts delivered log files; absent means SSE-S3 only.
    kms_key: Field
    # True when the trail records events in every Region (default false).
    multi_region: Field
    # True when CloudTrail writes signed digest files for log integrity (default false).
    log_file_validation: Field
