"""Pub/Sub topics."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Topic(Resource):
    """A Pub/Sub topic: whether a customer-managed key encrypts its stored messages."""

    MODEL = "gcp.pubsub.Topic"

    # The Cloud KMS key that protects the topic's stored messages (kms_key_name);
    # absent: Google-managed encryption keys.
    kms_key: Field
