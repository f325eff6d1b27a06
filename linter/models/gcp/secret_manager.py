"""Secret Manager secrets (global and regional)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, Resource


@dataclass(frozen=True, kw_only=True)
class SecretCopy(Element):
    """Where one copy of the secret's payload is stored: the automatic replication, one
    user-managed replica, or the single location of a regional secret."""

    # The Cloud KMS key that encrypts this copy (customer_managed_encryption.kms_key_name);
    # absent: Google-managed keys.
    kms_key: Field


@dataclass(frozen=True, kw_only=True)
class Secret(Resource):
    """A Secret Manager secret: whether a customer-managed key encrypts each stored copy."""

    MODEL = "gcp.secret_manager.Secret"
    ELEMENTS: ClassVar[dict[str, type]] = {"copies": SecretCopy}

    # The secret's stored copies, each with its own key setting.
    copies: tuple[SecretCopy, ...]
