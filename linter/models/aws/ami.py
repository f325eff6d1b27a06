"""Amazon Machine Images registered or copied by the configuration (aws_ami, aws_ami_copy).

An EBS-backed AMI is a set of EBS snapshots, one per block device: whoever launches or
shares the image receives everything those snapshots hold (a server's disk, baked-in
configuration, cached patient files).
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource

# Source types that copy an image and choose the copy's key.
IMAGE_COPY_TYPES = ("aws_ami_copy",)


@dataclass(frozen=True, kw_only=True)
class Image(Resource):
    """One AMI, or one EBS device of a registered AMI (aws_ami ebs_block_device[i])."""

    MODEL = "aws.ami.Image"

    # True when the image's snapshots are encrypted. A registered AMI's device takes the
    # encryption of the snapshot it names; a copy is encrypted when it asks for it
    # (encrypted, default false) or when the source image is, and UNKNOWN when the source
    # image is not declared in the scanned files.
    encrypted: Field
    # The KMS key of the snapshots; absent: the source's key for a registered device, the
    # account's default EBS key (alias/aws/ebs) for a copy (CopyImage KmsKeyId).
    kms_key: Field

    @property
    def is_copy(self) -> Field:
        """Whether this image is a copy, which names its own key (KEY-200)."""
        return Field.derived(self.source_type in IMAGE_COPY_TYPES, "source_type")
