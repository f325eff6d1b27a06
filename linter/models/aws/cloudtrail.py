"""AWS CloudTrail trails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linter.models.base import Field, FieldState, Resource


@dataclass(frozen=True, kw_only=True)
class Trail(Resource):
    """A CloudTrail trail: its key, Region coverage, log file validation and log bucket."""

    MODEL = "aws.cloudtrail.Trail"

    # The KMS key that encrypts delivered log files; absent means SSE-S3 only.
    kms_key: Field
    # True when the trail records events in every Region (default false).
    multi_region: Field
    # True when CloudTrail writes signed digest files for log integrity (default false).
    log_file_validation: Field
    # The ePHI stores of the same module or template and their KMS keys, as
    # [[address, key, shown key], ...] (tables/key_arguments.yaml says where each store
    # type names its key); stores without a customer-managed key are left out.
    store_keys: Field
    # The default encryption of the bucket the trail delivers to (as aws.s3.Bucket's
    # encryption_algorithm), shown at the trail's bucket argument; UNKNOWN when that
    # bucket is not declared in the scanned configuration.
    log_bucket_encryption: Field
    # True when that bucket declares all four Block Public Access flags true (or an
    # account-level block in the configuration does); false when it declares a flag
    # false or relies on an undeclared default; UNKNOWN as above.
    log_bucket_public_access_blocked: Field

    @property
    def key_separation(self) -> Field:
        """The trail key against the keys of the ePHI stores (KEY-006)."""
        return separation_field(self.kms_key, self.store_keys, "trail")


def separation_field(key: Field, stores: Field, role: str) -> Field:
    """A Field for the `key_differs_from_protected` check, at the key's own line.

    Keys are compared by identity (linter.checks.key_separation.key_identity): the same
    key written as `.arn`, `.key_id` or through an alias resource is the same key.
    """
    from linter.checks.key_separation import key_identity
    from linter.values import Unknown

    if key.state is FieldState.UNKNOWN:
        return key
    if stores.state is FieldState.UNKNOWN:
        return Field(None, FieldState.UNKNOWN, key.attribute, key.line, stores.reason, key.path)
    entries = [[address, key_identity(value), shown] for address, value, shown in
               stores.value or [] if not isinstance(value, Unknown)]
    unknown = [f"{address}: {value.reason}" for address, value, _ in stores.value or []
               if isinstance(value, Unknown)]
    value = {"key": key_identity(key.value), "shown": _shown(key.value), "role": role,
             "stores": entries, "unknown": unknown}
    return Field(value, FieldState.SET, key.attribute, key.line, path=key.path)


def _shown(value: object) -> str:
    return str(value) if not isinstance(value, str) else f'"{value}"'


def log_bucket_fields(bucket: Any, argument: str, line: int | None) -> dict[str, Field]:
    """The trail's `log_bucket_*` Fields from the aws.s3.Bucket it delivers to (or None:
    not declared in the scan, or the Unknown value of the bucket argument).

    Shown at the trail's own bucket argument, naming the bucket and its attribute.
    """
    from linter.models.aws.s3 import Bucket, all_true
    from linter.values import Unknown

    names = ("log_bucket_encryption", "log_bucket_public_access_blocked")
    if not isinstance(bucket, Bucket):
        reason = bucket.reason if isinstance(bucket, Unknown) else str(bucket)
        return {name: Field(None, FieldState.UNKNOWN, argument, line, reason) for name in names}
    prefix = f"{argument} → {bucket.address}"
    encryption = bucket.encryption_algorithm
    account = bucket.account_public_access_blocked
    flags = [bucket.block_public_acls, bucket.block_public_policy, bucket.ignore_public_acls,
             bucket.restrict_public_buckets]
    if account.state is FieldState.SET and account.value is True:
        public = Field.derived(True, f"{prefix}: {account.attribute}", line)
    elif any(flag.state is FieldState.DEFAULT and flag.value is True for flag in flags):
        # S3's own default for new buckets is not a declared, reviewable control.
        public = Field(False, FieldState.ABSENT, f"{prefix}: {flags[0].attribute}", line)
    else:
        failing = [flag for flag in flags if flag.state is not FieldState.UNKNOWN
                   and flag.value is not True]
        shown = failing[0].attribute if failing else "public access block"
        public = all_true(flags, f"{prefix}: {shown}", line)
    return {names[0]: Field(encryption.value, encryption.state,
                            f"{prefix}: {encryption.attribute}", line, encryption.reason),
            names[1]: public}
