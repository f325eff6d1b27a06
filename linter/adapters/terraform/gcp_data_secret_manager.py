"""google_secret_manager_secret and google_secret_manager_regional_secret.

A global secret is stored either by automatic replication (one key setting, under
replication.auto) or in user-managed replicas (one key setting per replica, and a
replica without one is Google-managed even when the others have keys). Each stored
copy is one element, so a finding names the replica that lacks a key.
"""

from __future__ import annotations

from linter.adapters.fields import blocks, field_at, lookup
from linter.adapters.terraform import TerraformContext
from linter.models.base import Field, FieldState
from linter.models.gcp.secret_manager import Secret, SecretCopy
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, Unknown

KEY = "customer_managed_encryption.kms_key_name"


def build_secret(block: ResolvedBlock, context: TerraformContext) -> list[Secret]:
    return [Secret(**context.identity(block), copies=_replicated_copies(block))]


def build_regional_secret(block: ResolvedBlock, context: TerraformContext) -> list[Secret]:
    copy = SecretCopy(label="customer_managed_encryption", line=block.line,
                      kms_key=field_at(block.config, KEY, block.type))
    return [Secret(**context.identity(block), copies=(copy,))]


def _replicated_copies(block: ResolvedBlock) -> tuple[SecretCopy, ...]:
    config = block.config
    for path in ("replication", "replication.auto", "replication.user_managed",
                 "replication.user_managed.replicas"):
        value, line, _found = lookup(config, path)
        if isinstance(value, Unknown):  # a dynamic block over an unknown collection
            return (_unknown_copy(path, line or block.line, value.reason),)
    copies: list[SecretCopy] = []
    for auto, line in blocks(config, "replication.auto"):
        copies.append(SecretCopy(label="replication.auto", line=line,
                                 kms_key=_key(auto, "replication.auto", block.type)))
    for index, (replica, line) in enumerate(blocks(config,
                                                   "replication.user_managed.replicas")):
        label = f"replication.user_managed.replicas[{index}]"
        copies.append(SecretCopy(label=label, line=line,
                                 kms_key=_key(replica, label, block.type)))
    if not copies:  # replication is required: a secret without it is not created
        return (SecretCopy(label="replication", line=block.line,
                           kms_key=Field.absent(f"replication.auto.{KEY}")),)
    return tuple(copies)


def _key(node: ConfigNode, label: str, source_type: str) -> Field:
    return field_at(node, KEY, source_type, attribute=f"{label}.{KEY}")


def _unknown_copy(path: str, line: int, reason: str) -> SecretCopy:
    return SecretCopy(label=path, line=line,
                      kms_key=Field(None, FieldState.UNKNOWN, path, line, reason))


BUILDERS = {"google_secret_manager_secret": build_secret,
            "google_secret_manager_regional_secret": build_regional_secret}
