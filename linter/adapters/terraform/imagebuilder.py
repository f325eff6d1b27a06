"""aws_imagebuilder_image_recipe: the EBS volumes of the images a recipe builds.

A device that writes no `encrypted` keeps the parent image's setting ("Defaults to
unset, which is the value inherited from the parent image"): for the root device that is
the parent AMI's snapshot, which the configuration cannot show (UNKNOWN); any other
device is a new, empty volume (tables/defaults/aws_imagebuilder.yaml).
"""

from __future__ import annotations

from linter.adapters.fields import as_bool, blocks, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.ec2 import device_encryption, is_root_device_name
from linter.models.aws.imagebuilder import ImageRecipe, RecipeDevice
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.tables import default_for

_PATH = "block_device_mapping.ebs.encrypted"


def build_recipe(block: ResolvedBlock, context: TerraformContext) -> list[ImageRecipe]:
    devices = []
    for index, (mapping, line) in enumerate(blocks(block.config, "block_device_mapping")):
        ebs = blocks(mapping, "ebs")
        if not ebs:
            continue  # an instance store volume (virtual_name) or a suppressed device
        label = f"block_device_mapping[{index}]"
        node = ebs[0][0]
        written = as_bool(field_at(node, "encrypted", block.type,
                                   attribute=f"{label}.ebs.encrypted"))
        snapshot = None
        if node.get("snapshot_id") is not None:
            snapshot = Field(None, FieldState.UNKNOWN, f"{label}.ebs.snapshot_id",
                             node.line_of("snapshot_id"), "the volume takes the encryption "
                             "of a snapshot the recipe cannot declare")
        found, value, note = default_for(block.type, _PATH)
        blank = Field.default(value, written.attribute, note) if found else written
        devices.append(RecipeDevice(
            label=label, line=line,
            encrypted=device_encryption(written, snapshot,
                                        is_root_device_name(mapping.get("device_name")),
                                        blank),
            kms_key=field_at(node, "kms_key_id", block.type,
                             attribute=f"{label}.ebs.kms_key_id")))
    return [ImageRecipe(**context.identity(block), devices=tuple(devices))]


BUILDERS = {"aws_imagebuilder_image_recipe": build_recipe}
