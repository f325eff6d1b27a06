"""Amazon S3 buckets, with the settings other resources attach to them."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, FieldState, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Bucket(Resource):
    """An S3 bucket: its default encryption and key, its policy, public access block, versioning
    and access logging."""

    MODEL = "aws.s3.Bucket"

    # Default server-side encryption: AES256 (SSE-S3), aws:kms, aws:kms:dsse, or absent.
    encryption_algorithm: Field
    # The KMS key of the default encryption (a ResourceRef, an alias, a key ARN), if any.
    kms_key: Field
    # The bucket policy as a normalised document ({"Statement": [...]}) or absent.
    policy: Field
    # The four bucket-level Block Public Access flags (true blocks). With no public access
    # block declared they hold S3's default for new buckets (DEFAULT state, see
    # tables/defaults/aws_s3.yaml); a declared block's omitted flag is false.
    block_public_acls: Field
    block_public_policy: Field
    ignore_public_acls: Field
    restrict_public_buckets: Field
    # True when an account-level public access block in the same configuration sets all
    # four flags (it overrides the bucket's own); absent when none is declared.
    account_public_access_blocked: Field
    # Versioning: "Enabled", "Suspended" or "Disabled" (aws_s3_bucket_versioning,
    # VersioningConfiguration.Status), or true/false from the legacy inline
    # `versioning.enabled`; "Enabled" (DEFAULT) for a bucket created with Object Lock and
    # no versioning written (see versioning_with_object_lock); absent when never
    # configured (S3 buckets start unversioned).
    versioning_status: Field
    # True when server access logging is configured (to whatever target); absent if not.
    access_logging: Field
    # True when another bucket of the configuration delivers its access logs here.
    is_log_target: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.encryption_algorithm, lambda value: value is not None)


def all_true(flags: list[Field], attribute: str, line: int | None = None) -> Field:
    """One yes/no Field for "every flag is true": false as soon as one flag (or one branch
    of a conditional) is not, UNKNOWN when that depends on a value the scan cannot know."""
    from linter.values import Branches, Unknown

    unknown = [flag for flag in flags if flag.state is FieldState.UNKNOWN]
    options = [option for flag in flags if flag.state is not FieldState.UNKNOWN
               for option in (flag.value.options if isinstance(flag.value, Branches)
                              else (flag.value,))]
    if any(option is not True and not isinstance(option, Unknown) for option in options):
        return Field.derived(False, attribute, line)
    if unknown or any(isinstance(option, Unknown) for option in options):
        reason = unknown[0].reason if unknown else "a conditional branch is unknown"
        return Field(None, FieldState.UNKNOWN, attribute, line, reason)
    return Field.derived(True, attribute, line)


# The status S3 gives a bucket created with Object Lock.
_LOCKED = "Enabled"


def versioning_with_object_lock(written: Field, object_lock: Field) -> Field:
    """Versioning as S3 applies it to a bucket that may be created with Object Lock.

    S3 turns versioning on when it creates a bucket with Object Lock and refuses to
    suspend it afterwards, so such a bucket keeps object versions though no versioning
    is written. `object_lock` is a yes/no Field (`object_lock_enabled`, ObjectLockEnabled).
    A status that is written is kept as written: it is what the configuration says, and
    S3 rejects any status but Enabled on such a bucket.
    """
    from linter.values import Branches, Unknown

    if written.state not in (FieldState.ABSENT, FieldState.DEFAULT) or \
            object_lock.state is FieldState.ABSENT:
        return written
    where = f"`{object_lock.attribute}`"
    if object_lock.state is FieldState.UNKNOWN:
        return Field(None, FieldState.UNKNOWN, written.attribute, object_lock.line,
                     f"whether the bucket is created with Object Lock ({where}), which turns "
                     f"versioning on, is not known ({object_lock.reason})")
    value = object_lock.value
    if isinstance(value, Branches):
        # Per branch: Object Lock on keeps versions, otherwise what is written applies.
        options = tuple(_LOCKED if option is True else
                        option if isinstance(option, Unknown) else written.value
                        for option in value.options)
        if any(option != _LOCKED for option in options):
            return Field(Branches(options, value.labels), FieldState.SET, written.attribute,
                         object_lock.line)
    elif value is not True:
        return written
    return Field(_LOCKED, FieldState.DEFAULT, written.attribute, object_lock.line,
                 f"the bucket is created with Object Lock ({where}), for which S3 turns "
                 "versioning on and never lets it be suspended")
