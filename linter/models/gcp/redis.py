"""Memorystore for Redis instances."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Instance(Resource):
    MODEL = "gcp.redis.Instance"

    # SERVER_AUTHENTICATION (TLS to the instance) or DISABLED (the default: plaintext).
    transit_encryption_mode: Field
