"""AMIs: aws_ami (one Image per EBS device it registers) and aws_ami_copy.

A registered device takes the encryption of the snapshot it names, followed through the
snapshots and volumes of the module (adapters/terraform/ebs.py); a copy is encrypted when
it asks for it or when its source image is, so a source image declared in the module is
followed too. Anything that leaves the module makes the verdict UNKNOWN.
"""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import as_bool, blocks, field_at
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform.ebs import snapshot_encryption
from linter.models.aws.ami import Image
from linter.models.aws.ec2 import restored_encryption
from linter.models.base import Field, FieldState, SourceLocation
from linter.resolve.terraform import ResolvedBlock
from linter.tables import default_for
from linter.values import ConfigNode, ResourceRef, Unknown


def build_image(block: ResolvedBlock, context: TerraformContext) -> list[Image]:
    """One Image per ebs_block_device: each is a snapshot anyone launching the AMI gets."""
    images = []
    for index, (node, line) in enumerate(blocks(block.config, "ebs_block_device")):
        label = f"ebs_block_device[{index}]"
        identity = context.identity(block)
        identity["address"] = f"{block.address}.{label}"
        identity["location"] = SourceLocation(block.path, line, block.end_line)
        images.append(Image(**identity, encrypted=_device_encryption(node, label, context),
                            kms_key=Field(None, FieldState.ABSENT, f"{label}.snapshot_id",
                                          None, "the key of the snapshot")))
    return images


def build_image_copy(block: ResolvedBlock, context: TerraformContext) -> list[Image]:
    # Absent `encrypted`: DEFAULT false (tables/defaults/aws_ebs.yaml); the copy is still
    # encrypted when its source image is.
    written = as_bool(field_at(block.config, "encrypted", block.type))
    return [Image(**context.identity(block),
                  encrypted=restored_encryption(written, _source_image(block, context)),
                  kms_key=field_at(block.config, "kms_key_id", block.type))]


def _device_encryption(node: ConfigNode, label: str, context: TerraformContext) -> Field:
    written = as_bool(field_at(node, "encrypted", "aws_ami",
                               attribute=f"{label}.encrypted"))
    if written.state is FieldState.ABSENT:  # the default is keyed by the block's path
        found, value, note = default_for("aws_ami", "ebs_block_device.encrypted")
        written = Field.default(value, written.attribute, note) if found else written
    if node.get("snapshot_id") is None:
        return written  # an empty volume created at launch: its own flag decides
    return restored_encryption(written, snapshot_encryption(
        node, "snapshot_id", f"{label}.snapshot_id", context))


def _source_image(block: ResolvedBlock, context: TerraformContext) -> Field:
    """The encryption of the image source_ami_id names: true when every EBS device of an
    aws_ami in the module is encrypted, false when one is not, else UNKNOWN."""
    value: Any = block.config.get("source_ami_id")
    line = block.config.line_of("source_ami_id")
    source = _referenced_image(value, context)
    if source is None:
        reason = value.reason if isinstance(value, Unknown) else (
            f"{value} names no aws_ami declared in the scanned files, so the source "
            "image's encryption is not known")
        return Field(None, FieldState.UNKNOWN, "source_ami_id", line, reason)
    devices = [_device_encryption(node, f"ebs_block_device[{index}]", context)
               for index, (node, _) in enumerate(blocks(source.config, "ebs_block_device"))]
    known = [device for device in devices if device.state is not FieldState.UNKNOWN
             and isinstance(device.value, bool)]
    if any(device.value is False for device in known):
        return Field(False, FieldState.SET, f"{source.address}: ebs_block_device", line)
    if devices and len(known) == len(devices):
        return Field(True, FieldState.SET, f"{source.address}: ebs_block_device", line)
    return Field(None, FieldState.UNKNOWN, "source_ami_id", line,
                 f"the encryption of {source.address}'s snapshots is not known")


def _referenced_image(value: Any, context: TerraformContext) -> ResolvedBlock | None:
    if not isinstance(value, ResourceRef) or value.resource_type not in ("aws_ami",
                                                                         "aws_ami_copy"):
        return None
    for candidate in context.of_type(value.resource_type):
        if candidate.name == value.name and (
                candidate.key is None or not isinstance(value.arguments, ConfigNode)
                or value.arguments is candidate.config):
            return candidate if candidate.type == "aws_ami" else None
    return None


BUILDERS = {"aws_ami": build_image, "aws_ami_copy": build_image_copy}
