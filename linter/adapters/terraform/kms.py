"""aws_kms_key, with a separate aws_kms_key_policy when one is declared."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.policy_documents import normalise
from linter.adapters.terraform import TerraformContext
from linter.models.aws.kms import Key
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.values import Unknown


def build_key(block: ResolvedBlock, context: TerraformContext) -> list[Key]:
    return [Key(**context.identity(block),
                rotation_enabled=as_bool(field_at(block.config, "enable_key_rotation",
                                                          block.type)),
                key_spec=field_at(block.config, "customer_master_key_spec", block.type),
                policy=_policy(block, context))]


def _policy(block: ResolvedBlock, context: TerraformContext) -> Field:
    separate = context.referencing("aws_kms_key_policy", "key_id", block)
    source = separate[0] if separate else block
    if "policy" not in source.config:
        # Without a policy AWS attaches the default key policy: the account root only.
        return Field.default({"Statement": []}, "policy", "AWS default key policy")
    attribute = f"{source.address}: policy" if separate else "policy"
    line = source.config.line_of("policy")
    document = normalise(source.config.get("policy"))
    if isinstance(document, Unknown):
        return Field(None, FieldState.UNKNOWN, attribute, line, document.reason, source.path)
    return Field(document, FieldState.SET, attribute, line, "", source.path)


BUILDERS = {"aws_kms_key": build_key}
