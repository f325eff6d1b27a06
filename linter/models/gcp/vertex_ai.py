"""Vertex AI resources that hold data (datasets, endpoints, feature stores, metadata
stores, tensorboards, indexes) and Vertex AI Workbench / user-managed notebook instances."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class EncryptedResource(Resource):
    """A Vertex AI resource that holds data (dataset, endpoint, feature store, ...): whether a
    customer-managed key encrypts it."""

    MODEL = "gcp.vertex_ai.EncryptedResource"

    # The Cloud KMS key of the resource's encryption_spec (encryption_spec.kms_key_name);
    # absent: Google-managed keys. The setting is immutable after creation.
    kms_key: Field


@dataclass(frozen=True, kw_only=True)
class NotebookInstance(Resource):
    """A Workbench or user-managed notebook instance: whether a customer-managed key encrypts
    its disks."""

    MODEL = "gcp.vertex_ai.NotebookInstance"

    # How the instance's boot (and data) disk is encrypted: GMEK (the default:
    # Google-managed keys) or CMEK.
    disk_encryption: Field
    # The Cloud KMS key used when disk_encryption is CMEK; absent: none given.
    kms_key: Field
