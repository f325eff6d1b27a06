"""AWS CloudTrail trails."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, FieldState, Resource


@dataclass(frozen=True, kw_only=True)
class Trail(Resource):
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
