"""SAM `Globals`: the section a SAM template shares among its serverless resources,
merged into each as the SAM transform does before CloudFormation sees the template.
"""

from __future__ import annotations

from typing import Any

from linter.resolve.cfn_foreach import declared_transforms
from linter.values import ConfigNode, MarkedList

# `Transform` value that marks a SAM template; Globals sections only mean something there.
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


def sam_globals(template: ConfigNode) -> ConfigNode:
    """`Globals` by SAM resource kind (Function, Api, HttpApi, SimpleTable), SAM only."""
    found = template.get("Globals")
    if SAM_TRANSFORM in declared_transforms(template) and isinstance(found, ConfigNode):
        return found
    return ConfigNode(0)


def _is_intrinsic(value: Any) -> bool:
    keys = value.keys() if isinstance(value, ConfigNode) else []
    return len(keys) == 1 and (keys[0] == "Ref" or keys[0].startswith("Fn::"))


def merge_globals(inherited: ConfigNode, local: ConfigNode | None) -> ConfigNode:
    """The SAM merge: maps merge key by key, lists add up, the resource's scalars win.

    Inherited keys keep their Globals lines, so a finding points where the value is
    written. An intrinsic on either side is taken whole (the resource's one wins).
    """
    if local is None:
        return inherited
    merged = ConfigNode(local.line, local.end_line)
    for key, value in inherited.items():
        merged.set(key, value, inherited.line_of(key))
    for key, value in local.items():
        base = merged.get(key) if key in inherited else None
        if isinstance(base, ConfigNode) and isinstance(value, ConfigNode) \
                and not _is_intrinsic(base) and not _is_intrinsic(value):
            value = merge_globals(base, value)
        elif isinstance(base, list) and isinstance(value, list):
            combined = MarkedList(getattr(value, "line", local.line))
            for items in (base, value):
                lines = getattr(items, "lines", None) or [combined.line] * len(items)
                for item, line in zip(items, lines):
                    combined.add(item, line)
            value = combined
        merged.set(key, value, local.line_of(key))
    return merged
