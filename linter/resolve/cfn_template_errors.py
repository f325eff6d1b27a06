"""The declarations in a CloudFormation template's Resources section that CloudFormation
itself rejects (no Resources, a resource without a string Type, Properties that are not a
mapping): the scan reports each as an error, since the resources involved are not judged.
"""

from __future__ import annotations

from linter.values import ConfigNode


def template_errors(template: ConfigNode, resources: ConfigNode) -> list[tuple[int, str]]:
    """(line, reason) for each part of the Resources section CloudFormation would refuse.

    `resources` is the section after Fn::ForEach expansion. Nothing here names a value
    written in the template, only keys: values may be secrets.
    """
    written = template.get("Resources")
    line = template.line_of("Resources")
    if "Resources" not in template:
        return [(template.line, "the template has no Resources section; CloudFormation "
                                "requires at least one resource")]
    if not isinstance(written, ConfigNode):
        kind = "a list" if isinstance(written, list) else \
            "empty" if written is None else "not a mapping"
        return [(line, f"Resources is {kind}; CloudFormation expects a mapping of logical "
                       f"ids to resource declarations, so none of them is judged")]
    errors = []
    for logical_id, body in resources.items():
        at = resources.line_of(logical_id)
        if not isinstance(body, ConfigNode):
            errors.append((at, f"resource {logical_id} is not a mapping with a Type"))
            continue
        resource_type = body.get("Type")
        if "Type" not in body:
            errors.append((at, f"resource {logical_id} has no Type"))
        elif not isinstance(resource_type, str) or not resource_type.strip():
            errors.append((body.line_of("Type"),
                           f"resource {logical_id} has a Type that is not a resource type "
                           f"name (a non-empty string)"))
        if "Properties" in body and not isinstance(body.get("Properties"), ConfigNode):
            errors.append((body.line_of("Properties"),
                           f"Properties of resource {logical_id} is not a mapping"))
    return errors
