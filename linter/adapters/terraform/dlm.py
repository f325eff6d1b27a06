"""aws_dlm_lifecycle_policy: the cross-Region copy rules of every schedule
(policy_details.schedule[].cross_region_copy_rule[]) and of every event-based action
(policy_details.action[].cross_region_copy[].encryption_configuration), one element each.
Nested lists of lists: more than a mapping table's single `each` can read."""

from __future__ import annotations

from linter.adapters.fields import as_bool, blocks, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.dlm import CrossRegionCopy, LifecyclePolicy
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode


def build_policy(block: ResolvedBlock, context: TerraformContext) -> list[LifecyclePolicy]:
    copies = []
    details = blocks(block.config, "policy_details")
    policy = details[0][0] if details else None
    for s_index, (schedule, _) in enumerate(blocks(policy, "schedule")):
        for r_index, (rule, line) in enumerate(blocks(schedule, "cross_region_copy_rule")):
            label = f"policy_details.schedule[{s_index}].cross_region_copy_rule[{r_index}]"
            copies.append(_copy(rule, label, line, block.type))
    for a_index, (action, _) in enumerate(blocks(policy, "action")):
        for c_index, (copy, line) in enumerate(blocks(action, "cross_region_copy")):
            label = (f"policy_details.action[{a_index}].cross_region_copy[{c_index}]"
                     ".encryption_configuration")
            settings = blocks(copy, "encryption_configuration")
            copies.append(_copy(settings[0][0] if settings else None, label, line,
                                block.type))
    return [LifecyclePolicy(**context.identity(block), cross_region_copies=tuple(copies))]


def _copy(node: ConfigNode | None, label: str, line: int,
          source_type: str) -> CrossRegionCopy:
    # `encrypted` is required by the API and has no default: left out, it is not set.
    return CrossRegionCopy(label=label, line=line,
                           encrypted=as_bool(field_at(node, "encrypted", source_type,
                                                      attribute=f"{label}.encrypted")),
                           kms_key=field_at(node, "cmk_arn", source_type,
                                            attribute=f"{label}.cmk_arn"))


BUILDERS = {"aws_dlm_lifecycle_policy": build_policy}
