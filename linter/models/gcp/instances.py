"""Compute Engine VM instances and instance templates: their disks and memory encryption."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, Resource


@dataclass(frozen=True, kw_only=True)
class InstanceDisk(Element):
    """A persistent disk the instance (or template) creates itself: the boot disk made from
    an image, or a template's disk without `source`. Disks attached from a
    google_compute_disk are that resource's to judge."""

    # The Cloud KMS key (CMEK) of the disk; absent: a Google-managed key, or a raw
    # customer-supplied key (see customer_supplied_key).
    kms_key: Field
    # True when a raw or RSA-wrapped customer-supplied key (CSEK) is written for the disk:
    # the key material then sits in the Terraform code and state. False when none is.
    customer_supplied_key: Field


@dataclass(frozen=True, kw_only=True)
class Instance(Resource):
    """A google_compute_instance or a (regional) instance template."""

    MODEL = "gcp.instances.Instance"
    ELEMENTS: ClassVar[dict[str, type]] = {"disks": InstanceDisk}

    # The disks the instance creates (boot disk from an image, template disks).
    disks: tuple[InstanceDisk, ...]
    # True when a raw or RSA-wrapped customer-supplied key is written for any disk, boot or
    # attached; located at the first such key.
    customer_supplied_key: Field
    # Confidential VM: memory encrypted with a per-VM key (enable_confidential_compute or
    # confidential_instance_type SEV / SEV_SNP / TDX). Default false.
    confidential_compute: Field
