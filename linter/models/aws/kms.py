"""AWS KMS keys."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Key(Resource):
    """A KMS key: whether it is rotated, its key spec and its key policy."""

    MODEL = "aws.kms.Key"

    rotation_enabled: Field
    # SYMMETRIC_DEFAULT, RSA_2048, ... : AWS rotates only symmetric encryption keys.
    key_spec: Field
    # The key policy as a normalised document ({"Statement": [...]}).
    policy: Field
