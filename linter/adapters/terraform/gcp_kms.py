"""google_kms_crypto_key and the IAM member / binding / policy resources on keys and key
rings."""

from __future__ import annotations

import json
from typing import Any

from linter.adapters.fields import blocks, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.base import Field, FieldState
from linter.models.gcp.kms import CryptoKey, KeyIamGrant
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, ResourceRef, Unknown, is_known, plain


def build_crypto_key(block: ResolvedBlock, context: TerraformContext) -> list[CryptoKey]:
    return [CryptoKey(**context.identity(block),
                      purpose=field_at(block.config, "purpose", block.type),
                      rotation_period=field_at(block.config, "rotation_period", block.type))]


def build_iam_member(block: ResolvedBlock, context: TerraformContext) -> list[KeyIamGrant]:
    return [KeyIamGrant(**context.identity(block),
                        members=field_at(block.config, "member", block.type))]


def build_iam_binding(block: ResolvedBlock, context: TerraformContext) -> list[KeyIamGrant]:
    return [KeyIamGrant(**context.identity(block),
                        members=field_at(block.config, "members", block.type))]


def build_iam_policy(block: ResolvedBlock, context: TerraformContext) -> list[KeyIamGrant]:
    """An authoritative policy: every binding's members, usually from data.google_iam_policy."""
    config = block.config
    line = config.line_of("policy_data")
    members = _policy_members(config.get("policy_data"))
    if isinstance(members, Unknown):
        field = Field(None, FieldState.UNKNOWN, "policy_data", line, members.reason)
    else:
        field = Field(members, FieldState.SET, "policy_data", line)
    return [KeyIamGrant(**context.identity(block), members=field)]


def _policy_members(value: Any) -> list[Any] | Unknown:
    if isinstance(value, ResourceRef) and value.resource_type == "data.google_iam_policy" \
            and isinstance(value.arguments, ConfigNode):
        members: list[Any] = []
        for binding, _ in blocks(value.arguments, "binding"):
            written = binding.get("members")
            if isinstance(written, list):
                members.extend(written)
            elif written is not None:
                members.append(written)
        return members
    if isinstance(value, str):
        try:
            document = json.loads(value)
        except ValueError:
            return Unknown("policy_data is not a JSON policy")
        return _binding_members(document)
    if isinstance(value, ConfigNode) and is_known(value):
        return _binding_members(plain(value))
    if isinstance(value, Unknown):
        return value
    return Unknown(f"policy_data {value} cannot be read in the scanned files")


def _binding_members(document: Any) -> list[Any] | Unknown:
    """The members of every binding of an IAM policy document (`{"bindings": [...]}`).

    The document comes from a scanned file: anything but that shape (a bare string, a
    list, a number, bindings that are not objects) is Unknown with the reason.
    """
    if not isinstance(document, dict):
        return Unknown("policy_data is not a JSON object with bindings")
    bindings = document.get("bindings", [])
    if not isinstance(bindings, list) or not all(isinstance(item, dict) for item in bindings):
        return Unknown("policy_data bindings are not a list of objects")
    members: list[Any] = []
    for binding in bindings:
        written = binding.get("members", [])
        if not isinstance(written, list):
            return Unknown("policy_data has a binding whose members are not a list")
        members.extend(written)
    return members


BUILDERS = {
    "google_kms_crypto_key": build_crypto_key,
    "google_kms_crypto_key_iam_member": build_iam_member,
    "google_kms_crypto_key_iam_binding": build_iam_binding,
    "google_kms_crypto_key_iam_policy": build_iam_policy,
    "google_kms_key_ring_iam_member": build_iam_member,
    "google_kms_key_ring_iam_binding": build_iam_binding,
    "google_kms_key_ring_iam_policy": build_iam_policy,
}
