"""Key separation across resources.

`key_identity` reduces the many ways of naming a KMS key (a reference to the key, to an
alias of it, a key ARN, a key id) to one comparable name, so a backup vault or a trail
can be compared with the stores it must be kept apart from.
"""

from __future__ import annotations

import re
from typing import Any

from linter.checks import CheckResult
from linter.values import Branches, ConfigNode, ResourceRef, Unknown

_KEY_TYPES = ("aws_kms_key", "AWS::KMS::Key")
# Alias resources and the argument that names their target key.
_ALIAS_TARGETS = {"aws_kms_alias": "target_key_id", "AWS::KMS::Alias": "TargetKeyId"}
_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[^:]*:[^:]*:(key/.+|alias/.+)$")
_KEY_ID = re.compile(r"^(mrk-)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$|"
                     r"^mrk-[0-9a-f]{32}$")


def key_identity(value: Any) -> str | None:
    """One name per key: `aws_kms_key.clinical`, `key/1234...`, `alias/x`; None if unknown.

    `.arn`, `.key_id` and a plain `Ref` of the same key are the same key, and an alias
    resource is followed to its target when the scan declares it.
    """
    if isinstance(value, ResourceRef):
        if value.resource_type in _KEY_TYPES:
            return f"{value.resource_type}.{value.name}"
        target_argument = _ALIAS_TARGETS.get(value.resource_type)
        if target_argument and isinstance(value.arguments, ConfigNode):
            target = key_identity(value.arguments.get(target_argument))
            if target is not None:
                return target
        return f"{value.resource_type}.{value.name}"
    if isinstance(value, (Unknown, Branches)) or not isinstance(value, str):
        return None
    match = _KEY_ARN.match(value)
    if match:
        return match.group(1)
    if _KEY_ID.match(value):
        return f"key/{value}"
    return value


def key_differs_from_protected(value: Any, **_: Any) -> CheckResult:
    """Passes when no store in `stores` is encrypted with the same key as `key`.

    The value is {"key": identity, "shown": text, "stores": [[address, identity|None,
    text], ...], "unknown": [reasons], "role": "backup vault"}; models build it.
    """
    key, shown, role = value.get("key"), value.get("shown"), value.get("role", "resource")
    if key is None:
        return CheckResult(None, f"the {role}'s key is not known")
    same = [address for address, identity, _ in value.get("stores", []) if identity == key]
    if same:
        others = f" (and {len(same) - 1} more)" if len(same) > 1 else ""
        return CheckResult(False, f"the {role} key {shown} also encrypts {same[0]}{others}, so "
                                  "one key compromise exposes both")
    unknown = [f"{address}: its key is not known"
               for address, identity, _ in value.get("stores", []) if identity is None]
    # An alias named only by its name or ARN, whose target the scan does not declare,
    # may point at the key the other side names by id or ARN.
    unknown += [f"{address}: {text or identity} and the {role} key {shown} may be the same "
                "key (an alias whose target key is not in the scan)"
                for address, identity, text in value.get("stores", [])
                if identity is not None and _alias_against_key(key, identity)]
    unknown += value.get("unknown", [])
    if unknown:
        return CheckResult(None, "; ".join(unknown))
    if not value.get("stores"):
        return CheckResult(True, f"no store in the scan uses the {role} key {shown}")
    return CheckResult(True, f"the {role} key {shown} differs from the keys of "
                             f"{len(value['stores'])} store(s)")


def _alias_against_key(one: str, other: str) -> bool:
    """One side names a customer alias and the other a key: they may be the same key.

    AWS-managed aliases (alias/aws/...) are left out: they never name a customer key."""
    def is_alias(name: str) -> bool:
        return name.startswith("alias/") and not name.startswith("alias/aws/")

    def is_key(name: str) -> bool:
        return name.startswith("key/") or name.startswith(_KEY_TYPES)

    return (is_alias(one) and is_key(other)) or (is_key(one) and is_alias(other))


# --- listener rules -------------------------------------------------------------------


CHECKS = {
    "key_differs_from_protected": key_differs_from_protected,
}
