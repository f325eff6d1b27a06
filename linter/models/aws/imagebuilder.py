"""EC2 Image Builder image recipes: the EBS volumes of the images a pipeline builds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, Resource


@dataclass(frozen=True, kw_only=True)
class RecipeDevice(Element):
    """One block_device_mapping (BlockDeviceMappings[i]) with an EBS volume."""

    # True when the volume (and so the output AMI's snapshot) is encrypted. Left out: the
    # root device keeps the parent image's encryption (UNKNOWN), any other new volume is
    # unencrypted (RunInstances default, unless account-level EBS encryption is on).
    encrypted: Field
    # The KMS key; absent: the account's default EBS key (alias/aws/ebs).
    kms_key: Field


@dataclass(frozen=True, kw_only=True)
class ImageRecipe(Resource):
    """An Image Builder recipe: the encryption and keys of its images' EBS volumes."""

    MODEL = "aws.imagebuilder.ImageRecipe"
    ELEMENTS: ClassVar[dict[str, type]] = {"devices": RecipeDevice}

    # Every EBS block device mapping; empty: the image keeps the parent image's devices,
    # whose encryption the configuration cannot show (not judged).
    devices: tuple[RecipeDevice, ...]
