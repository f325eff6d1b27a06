"""Is a KMS key reference a customer-managed key, or a provider-managed default?"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from linter.checks import CheckResult
from linter.tables import load_table
from linter.values import ConfigNode, ResourceRef

# Resource types whose reference always means a key the customer created and controls.
_CUSTOMER_KEY_TYPES = {"aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key",
                       "aws_kms_replica_external_key", "AWS::KMS::Key", "AWS::KMS::ReplicaKey"}
_ALIAS_TYPES = {"aws_kms_alias", "AWS::KMS::Alias"}
_KEY_LOOKUPS = {"data.aws_kms_key": "key_id", "data.aws_kms_alias": "name"}


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    table = load_table("aws_managed_keys")
    return tuple(re.compile(table["arn_patterns"][name]) for name in ("alias_arn", "alias_name"))


def is_aws_managed_name(text: str) -> bool:
    table = load_table("aws_managed_keys")
    return (any(pattern.search(text) for pattern in _patterns())
            or text in table.get("bare_alias_forms", []))


def customer_managed_key(value: Any, **_: Any) -> CheckResult:
    if value is None:
        return CheckResult(False, "no KMS key is set, so the service's default key "
                                  "(AWS-managed or AWS-owned) is used")
    if isinstance(value, ResourceRef):
        if value.resource_type in _CUSTOMER_KEY_TYPES:
            return CheckResult(True, f"uses {value.resource_type}.{value.name}")
        if value.resource_type in _ALIAS_TYPES:
            return CheckResult(True, f"uses alias {value.name}, which points at a customer key")
        argument = _KEY_LOOKUPS.get(value.resource_type)
        if argument and isinstance(value.arguments, ConfigNode):
            looked_up = value.arguments.get(argument)
            if isinstance(looked_up, str) and is_aws_managed_name(looked_up):
                return CheckResult(False, f"{value} looks up the AWS-managed key {looked_up}")
            return CheckResult(None, f"{value} looks up a key outside the scanned files")
        return CheckResult(None, f"{value} is not a KMS key declared in the scanned files")
    if isinstance(value, str):
        if is_aws_managed_name(value):
            return CheckResult(False, f"{value} is an AWS-managed key")
        return CheckResult(True, f"uses key {value}")
    return CheckResult(None, "the key reference is not understood")


CHECKS = {"customer_managed_key": customer_managed_key}
