"""AWS::ImageBuilder::ImageRecipe: the EBS volumes of the images a recipe builds.

As in Terraform, a device that writes no Encrypted keeps the parent image's setting:
UNKNOWN for the root device, a new unencrypted volume for any other
(tables/defaults/aws_imagebuilder.yaml).
"""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, blocks, field_at
from linter.models.aws.ec2 import device_encryption, is_root_device_name
from linter.models.aws.imagebuilder import ImageRecipe, RecipeDevice
from linter.models.base import Field, FieldState
from linter.resolve.cloudformation import ResolvedResource
from linter.tables import default_for
from linter.values import ConfigNode

_PATH = "BlockDeviceMappings.Ebs.Encrypted"


def build_recipe(resource: ResolvedResource, context: TemplateContext) -> list[ImageRecipe]:
    devices = []
    for index, (mapping, line) in enumerate(blocks(resource.properties,
                                                   "BlockDeviceMappings")):
        ebs = mapping.get("Ebs")
        if not isinstance(ebs, ConfigNode):
            continue  # an instance store volume (VirtualName) or a suppressed device
        prefix = f"Properties.BlockDeviceMappings[{index}].Ebs."
        written = as_bool(field_at(ebs, "Encrypted", resource.type,
                                   attribute=f"{prefix}Encrypted"))
        snapshot = None
        if ebs.get("SnapshotId") is not None:
            snapshot = Field(None, FieldState.UNKNOWN, f"{prefix}SnapshotId",
                             ebs.line_of("SnapshotId"), "the volume takes the encryption "
                             "of a snapshot the template cannot declare")
        found, value, note = default_for(resource.type, _PATH)
        blank = Field.default(value, written.attribute, note) if found else written
        devices.append(RecipeDevice(
            label=f"BlockDeviceMappings[{index}]", line=line,
            encrypted=device_encryption(written, snapshot,
                                        is_root_device_name(mapping.get("DeviceName")),
                                        blank),
            kms_key=field_at(ebs, "KmsKeyId", resource.type,
                             attribute=f"{prefix}KmsKeyId")))
    return [ImageRecipe(**context.identity(resource), devices=tuple(devices))]


BUILDERS = {"AWS::ImageBuilder::ImageRecipe": build_recipe}
