"""Bigtable instances and their clusters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, Resource


@dataclass(frozen=True, kw_only=True)
class BigtableCluster(Element):
    """One cluster block of an instance: each cluster keeps its own copy of the data."""

    # The Cloud KMS key that encrypts this cluster's data (cluster.kms_key_name); absent:
    # Google-managed keys.
    kms_key: Field


@dataclass(frozen=True, kw_only=True)
class Instance(Resource):
    """A Bigtable instance: whether a customer-managed key encrypts each of its clusters."""

    MODEL = "gcp.bigtable.Instance"
    ELEMENTS: ClassVar[dict[str, type]] = {"clusters": BigtableCluster}

    # The instance's cluster blocks.
    clusters: tuple[BigtableCluster, ...]
