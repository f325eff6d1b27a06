"""Kubernetes StorageClasses: the volumes dynamic provisioning creates for claims."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class StorageClass(Resource):
    """A StorageClass: whether the volumes it provisions are encrypted, and with which KMS key."""

    MODEL = "k8s.storage.StorageClass"

    # The provisioner as written: ebs.csi.aws.com, kubernetes.io/aws-ebs, efs.csi.aws.com, ...
    provisioner: Field
    # The block-storage service the provisioner creates volumes in ("ebs"), from
    # tables/k8s_annotations.yaml; absent for provisioners the table does not know.
    volume_service: Field
    # The provisioner's encryption parameter (parameters.encrypted for EBS) as a boolean;
    # false by default; a value the driver cannot parse stays the written string.
    encrypted: Field
    # parameters.kmsKeyId for EBS: the KMS key ARN volumes are encrypted with; absent means
    # the account's default EBS key (aws/ebs unless changed).
    kms_key: Field
