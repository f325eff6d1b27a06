"""Data Lifecycle Manager policies: the cross-Region copies of the snapshots they take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, Resource


@dataclass(frozen=True, kw_only=True)
class CrossRegionCopy(Element):
    """One cross-Region copy rule of a schedule, or of an event-based policy's action."""

    # Whether copies of unencrypted snapshots are encrypted (required by the API; copies of
    # encrypted snapshots are encrypted whatever it says).
    encrypted: Field
    # The KMS key of the copies in the target Region; absent: the account's default EBS
    # key there (alias/aws/ebs).
    kms_key: Field


@dataclass(frozen=True, kw_only=True)
class LifecyclePolicy(Resource):
    """A Data Lifecycle Manager policy: the encryption and keys of its cross-Region copies."""

    MODEL = "aws.dlm.LifecyclePolicy"
    ELEMENTS: ClassVar[dict[str, type]] = {"cross_region_copies": CrossRegionCopy}

    # Every cross-Region copy rule of every schedule and action; empty: no copies leave
    # the Region.
    cross_region_copies: tuple[CrossRegionCopy, ...]
