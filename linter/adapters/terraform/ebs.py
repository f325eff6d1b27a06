"""EBS block storage: volumes, the volumes instances, launch templates and launch
configurations create at launch, and snapshots (aws_ebs_snapshot, aws_ebs_snapshot_copy,
aws_ebs_snapshot_import).

Encryption follows a chain: a snapshot has its volume's, a copy its source's unless it
asks for encryption, a volume restored from a snapshot the snapshot's. Each link is
followed inside the module; a link that leaves it makes the verdict UNKNOWN.
"""

from __future__ import annotations

import re
from typing import Any

from linter.adapters.fields import as_bool, blocks, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.ec2 import (
    Snapshot,
    Volume,
    device_encryption,
    is_root_device_name,
    restored_encryption,
)
from linter.models.base import Field, FieldState, SourceLocation
from linter.resolve.terraform import ResolvedBlock
from linter.tables import default_for
from linter.values import ConfigNode, ResourceRef, Unknown

SNAPSHOT_TYPES = ("aws_ebs_snapshot", "aws_ebs_snapshot_copy", "aws_ebs_snapshot_import")
# Snapshot chains are short; a longer one can only be a reference cycle (which Terraform
# itself rejects), so the walk stops there instead of recursing for ever.
_MAX_LINKS = 16


def build_volume(block: ResolvedBlock, context: TerraformContext) -> list[Volume]:
    return [Volume(**context.identity(block), encrypted=_volume_encryption(block, context, 0),
                   kms_key=field_at(block.config, "kms_key_id", block.type))]


def build_snapshot(block: ResolvedBlock, context: TerraformContext) -> list[Snapshot]:
    return [Snapshot(**context.identity(block),
                     encrypted=_snapshot_encryption(block, context, 0),
                     kms_key=field_at(block.config, "kms_key_id", block.type))]


def _volume_encryption(block: ResolvedBlock, context: TerraformContext, links: int) -> Field:
    # Absent `encrypted`: DEFAULT false (tables/defaults/aws_ec2.yaml).
    written = as_bool(field_at(block.config, "encrypted", block.type))
    if block.config.get("snapshot_id") is None:
        return written
    return restored_encryption(written, _source(block.config, "snapshot_id", "snapshot_id",
                                                SNAPSHOT_TYPES, context, links))


def _snapshot_encryption(block: ResolvedBlock, context: TerraformContext, links: int) -> Field:
    if links > _MAX_LINKS:
        return Field(None, FieldState.UNKNOWN, "encrypted", None,
                     "the chain of snapshots and volumes does not end")
    if block.type == "aws_ebs_snapshot":
        # A snapshot has no encryption setting of its own: it is its volume's.
        return _source(block.config, "volume_id", "volume_id", ("aws_ebs_volume",), context,
                       links)
    # aws_ebs_snapshot_import: absent is DEFAULT false (tables/defaults/aws_ebs.yaml);
    # aws_ebs_snapshot_copy: absent only means "as the source".
    written = as_bool(field_at(block.config, "encrypted", block.type))
    if block.type == "aws_ebs_snapshot_copy":
        return restored_encryption(written, _source(
            block.config, "source_snapshot_id", "source_snapshot_id", SNAPSHOT_TYPES, context,
            links))
    return written


def _source(node: ConfigNode, argument: str, shown: str, types: tuple[str, ...],
            context: TerraformContext, links: int) -> Field:
    """The encryption of the volume or snapshot `argument` names, shown at that argument."""
    line = node.line_of(argument)
    source = _referenced(node.get(argument), types, context)
    if isinstance(source, Unknown):
        return Field(None, FieldState.UNKNOWN, shown, line, source.reason)
    encryption = (_volume_encryption(source, context, links + 1)
                  if source.type == "aws_ebs_volume"
                  else _snapshot_encryption(source, context, links + 1))
    return Field(encryption.value, encryption.state, f"{source.address}: {encryption.attribute}",
                 line, encryption.reason)


def snapshot_encryption(node: ConfigNode, argument: str, shown: str,
                        context: TerraformContext) -> Field:
    """The encryption of the EBS snapshot `argument` names (an AMI's device, say), followed
    through the snapshots and volumes declared in the module; UNKNOWN when it leaves it."""
    return _source(node, argument, shown, SNAPSHOT_TYPES, context, 0)


def _referenced(value: Any, types: tuple[str, ...],
                context: TerraformContext) -> ResolvedBlock | Unknown:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, ResourceRef) and value.resource_type in types:
        for candidate in context.of_type(value.resource_type):
            # `aws_ebs_volume.data["x"].id` names that instance only.
            if candidate.name == value.name and (
                    candidate.key is None or not isinstance(value.arguments, ConfigNode)
                    or value.arguments is candidate.config):
                return candidate
    return Unknown(f"{value} names no {' or '.join(types)} declared in the scanned files")


# --- volumes created at launch ----------------------------------------------------------


def build_instance_volumes(block: ResolvedBlock, context: TerraformContext) -> list[Volume]:
    """The root device and every ebs_block_device of an instance, each a Volume."""
    volumes, root_seen = [], False
    for index, (node, line) in enumerate(_items(block, "ebs_block_device")):
        label = f"ebs_block_device[{index}]"
        root = _root(node, "device_name")
        root_seen = root_seen or root is not False
        volumes.append(_device(block, context, label, f"{label}.", node, line, root))
    roots = blocks(block.config, "root_block_device")
    if roots:
        node, line = roots[0]
        volumes.insert(0, _device(block, context, "root_block_device", "root_block_device.",
                                  node, line, True))
    elif not root_seen and block.config.get("launch_template") is None:
        # Not written at all: the AMI's root volume still holds data. An instance
        # launched from a template gets its devices from the template, judged there.
        volumes.insert(0, _device(block, context, "root_block_device", "root_block_device.",
                                  None, None, True))
    return volumes


def build_launch_configuration_volumes(block: ResolvedBlock,
                                      context: TerraformContext) -> list[Volume]:
    """The root device and every ebs_block_device of a launch configuration, each a Volume.

    Launch configurations name no KMS key (the account's default EBS key encrypts), and
    ephemeral_block_device entries are instance store volumes, not EBS.
    """
    volumes, root_seen = [], False
    for index, (node, line) in enumerate(_items(block, "ebs_block_device")):
        if isinstance(node, ConfigNode) and node.get("no_device") is True:
            continue  # suppresses the AMI's device: no volume is created
        label = f"ebs_block_device[{index}]"
        root = _root(node, "device_name")
        root_seen = root_seen or root is not False
        volumes.append(_device(block, context, label, f"{label}.", node, line, root))
    roots = blocks(block.config, "root_block_device")
    if roots or not root_seen:
        node, line = roots[0] if roots else (None, None)
        volumes.insert(0, _device(block, context, "root_block_device", "root_block_device.",
                                  node, line, True))
    return volumes


def build_template_volumes(block: ResolvedBlock, context: TerraformContext) -> list[Volume]:
    """Every EBS entry of a launch template's block_device_mappings, plus the AMI's root
    volume when no entry can be it."""
    volumes, root_seen = [], False
    for index, (mapping, line) in enumerate(_items(block, "block_device_mappings")):
        ebs = blocks(mapping, "ebs") if isinstance(mapping, ConfigNode) else [(mapping, line)]
        if not ebs:
            continue  # an instance store volume (virtual_name) or a suppressed device
        label = f"block_device_mappings[{index}]"
        root = _root(mapping, "device_name")
        root_seen = root_seen or root is not False
        volumes.append(_device(block, context, label, f"{label}.ebs.", ebs[0][0], line, root))
    if not root_seen:
        volumes.append(_device(block, context, "root_device", "block_device_mappings.ebs.",
                               None, None, True))
    return volumes


def _items(block: ResolvedBlock, name: str) -> list[tuple[Any, int]]:
    """The written blocks, or one Unknown when a dynamic block's for_each is not known."""
    value = block.config.get(name)
    if isinstance(value, Unknown):
        return [(value, block.config.line_of(name) or block.line)]
    return blocks(block.config, name)


def _root(node: Any, name: str) -> bool | None:
    return is_root_device_name(node.get(name)) if isinstance(node, ConfigNode) else None


def _device(block: ResolvedBlock, context: TerraformContext, label: str, prefix: str,
            node: ConfigNode | Unknown | None, line: int | None, root: bool | None) -> Volume:
    """One volume created at launch. `node` holds encrypted / kms_key_id / snapshot_id
    (None: no block is written; Unknown: a dynamic block); `prefix` is its path."""
    identity = context.identity(block)
    # The address names the device (`aws_instance.ehr.ebs_block_device[1]`); a finding
    # about a setting left out points at the device's block.
    identity["address"] = f"{block.address}.{label}"
    if line is not None:
        identity["location"] = SourceLocation(block.path, line, block.end_line)
    if isinstance(node, Unknown):
        unknown = Field(None, FieldState.UNKNOWN, prefix.rstrip("."), line, node.reason)
        return Volume(**identity, encrypted=unknown, kms_key=unknown)
    written = as_bool(field_at(node, "encrypted", block.type, attribute=f"{prefix}encrypted"))
    snapshot = (_source(node, "snapshot_id", f"{prefix}snapshot_id", SNAPSHOT_TYPES, context, 0)
                if node is not None and node.get("snapshot_id") is not None else None)
    # The documented default for a new, empty volume (tables/defaults/aws_ebs.yaml).
    found, value, note = default_for(block.type, re.sub(r"\[[^]]*\]", "", prefix) + "encrypted")
    blank = Field.default(value, written.attribute, note) if found else written
    return Volume(**identity, encrypted=device_encryption(written, snapshot, root, blank),
                  kms_key=field_at(node, "kms_key_id", block.type,
                                   attribute=f"{prefix}kms_key_id"))


BUILDERS = {
    "aws_ebs_volume": build_volume,
    "aws_instance": build_instance_volumes,
    "aws_launch_template": build_template_volumes,
    "aws_launch_configuration": build_launch_configuration_volumes,
    **{source_type: build_snapshot for source_type in SNAPSHOT_TYPES},
}
