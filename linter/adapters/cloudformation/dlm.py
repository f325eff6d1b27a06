"""AWS::DLM::LifecyclePolicy: the cross-Region copy rules of every schedule
(PolicyDetails.Schedules[].CrossRegionCopyRules[]) and of every event-based action
(PolicyDetails.Actions[].CrossRegionCopy[].EncryptionConfiguration), one element each.
Nested lists of lists: more than a mapping table's single `each` can read."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, blocks, field_at
from linter.models.aws.dlm import CrossRegionCopy, LifecyclePolicy
from linter.resolve.cloudformation import ResolvedResource
from linter.values import ConfigNode


def build_policy(resource: ResolvedResource,
                 context: TemplateContext) -> list[LifecyclePolicy]:
    copies = []
    policy = resource.properties.get("PolicyDetails")
    policy = policy if isinstance(policy, ConfigNode) else None
    for s_index, (schedule, _) in enumerate(blocks(policy, "Schedules")):
        for r_index, (rule, line) in enumerate(blocks(schedule, "CrossRegionCopyRules")):
            label = (f"Properties.PolicyDetails.Schedules[{s_index}]"
                     f".CrossRegionCopyRules[{r_index}]")
            copies.append(_copy(rule, label, line, resource.type))
    for a_index, (action, _) in enumerate(blocks(policy, "Actions")):
        for c_index, (copy, line) in enumerate(blocks(action, "CrossRegionCopy")):
            label = (f"Properties.PolicyDetails.Actions[{a_index}].CrossRegionCopy[{c_index}]"
                     ".EncryptionConfiguration")
            settings = copy.get("EncryptionConfiguration")
            copies.append(_copy(settings if isinstance(settings, ConfigNode) else None,
                                label, line, resource.type))
    return [LifecyclePolicy(**context.identity(resource), cross_region_copies=tuple(copies))]


def _copy(node: ConfigNode | None, label: str, line: int, source_type: str) -> CrossRegionCopy:
    # Encrypted is required by the API and has no default: left out, it is not set.
    return CrossRegionCopy(label=label, line=line,
                           encrypted=as_bool(field_at(node, "Encrypted", source_type,
                                                      attribute=f"{label}.Encrypted")),
                           kms_key=field_at(node, "CmkArn", source_type,
                                            attribute=f"{label}.CmkArn"))


BUILDERS = {"AWS::DLM::LifecyclePolicy": build_policy}
