"""Relations between live resources that no single API answer holds.

A trail's key must differ from the keys of the ePHI stores (KEY-006). In a file scan
the stores are those of the same module or template; live, they are every store the
scan read in the account. When some store service was not read (left out with
--services, or not assessed) a shared key found among the others still fails, but a
pass cannot be given: the unread services stand in the list as one store whose key is
unknown, which makes the check UNKNOWN.
"""

from __future__ import annotations

import dataclasses

from linter.models.aws.cloudtrail import Trail
from linter.models.base import Field, FieldState, Resource


def is_store(model: Resource | type[Resource]) -> bool:
    """ePHI stores are the models KEY-001 judges: they say whether they encrypt at rest,
    and with which key."""
    kind = model if isinstance(model, type) else type(model)
    return hasattr(kind, "encryption_enabled") and "kms_key" in getattr(
        kind, "__dataclass_fields__", {})


def relate_trails(models: list[Resource], missing_stores: str) -> list[Resource]:
    """Fill each trail's `store_keys`; `missing_stores` names the stores not read."""
    entries = []
    for model in models:
        if not is_store(model):
            continue
        key: Field = model.kms_key  # type: ignore[attr-defined]
        value = key.value if key.state is FieldState.SET else None
        if isinstance(value, str) and value.startswith("alias/aws/"):
            continue  # AWS-managed keys cannot be shared with a trail: not a customer key
        if key.state in (FieldState.SET, FieldState.UNKNOWN) and (
                value is not None or key.state is FieldState.UNKNOWN):
            entries.append([model.address, value, str(value)])
    if missing_stores:
        entries.append([missing_stores, None, ""])
    related: list[Resource] = []
    for model in models:
        if isinstance(model, Trail):
            stores = Field(entries, FieldState.SET, "ePHI stores read by this scan")
            model = dataclasses.replace(model, store_keys=stores)
        related.append(model)
    return related
