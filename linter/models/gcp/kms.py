"""Cloud KMS: crypto keys and the IAM grants on keys and key rings."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class CryptoKey(Resource):
    """A Cloud KMS crypto key: whether it rotates automatically, and how often."""

    MODEL = "gcp.kms.CryptoKey"

    # ENCRYPT_DECRYPT (the default) or an asymmetric / MAC purpose; only ENCRYPT_DECRYPT
    # keys can rotate automatically.
    purpose: Field
    # Seconds between automatic rotations, as a duration string ("7776000s" = 90 days);
    # absent: the key never rotates automatically.
    rotation_period: Field


@dataclass(frozen=True, kw_only=True)
class KeyIamGrant(Resource):
    """An IAM member, binding or whole policy on a crypto key or a key ring."""

    MODEL = "gcp.kms.KeyIamGrant"

    # The principals granted a role: user:, serviceAccount:, group:, domain:, or the
    # public principals allUsers / allAuthenticatedUsers.
    members: Field
